using Cloud.Registry.Onnx;
using Cloud.Serving.Protocols;
using Cloud.Serving.Protocols.OipV2;
using Cloud.Serving.Protocols.Tensors;
using Cloud.Serving.Tensors;
using Google.Protobuf;
using Inference;

namespace Cloud.Serving.Grpc;

/// <summary>
/// Writes a <c>ModelInferResponse</c>: raw_output_contents when the request came raw (Triton's clients read outputs
/// only from there) or when an output has no typed field (FP16, BF16: the proto says they travel raw, and raw and
/// typed outputs cannot mix); typed contents otherwise, as KServe's client reads them.
/// </summary>
internal static class GrpcInferResponseWriter
{
    public static ModelInferResponse Write(ServedModel model, string id, InferenceResponse response, bool raw)
    {
        var message = new ModelInferResponse { ModelName = model.Name, ModelVersion = model.Version, Id = id };
        raw |= response.Outputs.Any(o => !HasTypedField(o.Value.ElementType));
        for (var i = 0; i < response.Outputs.Count; i++)
        {
            var (name, value) = response.Outputs[i];
            var output = new ModelInferResponse.Types.InferOutputTensor { Name = name, Datatype = OipV2DataTypes.Name(value.ElementType) };
            output.Shape.AddRange(value.ShapeArray);
            if (raw)
            {
                // The array is new and ours: wrapped, not copied again.
                message.RawOutputContents.Add(UnsafeByteOperations.UnsafeWrap(RawTensors.ToArray(value)));
            }
            else
            {
                output.Contents = Typed(value);
            }

            message.Outputs.Add(output);
        }

        return message;
    }

    private static bool HasTypedField(TensorElementType type) => type is not (TensorElementType.Float16 or TensorElementType.BFloat16);

    private static InferTensorContents Typed(Tensor tensor)
    {
        var contents = new InferTensorContents();
        switch (tensor)
        {
            case DenseTensor<bool> t: contents.BoolContents.AddRange(t.ToArray()); break;
            case DenseTensor<sbyte> t: foreach (var v in t.Span) { contents.IntContents.Add(v); } break;
            case DenseTensor<short> t: foreach (var v in t.Span) { contents.IntContents.Add(v); } break;
            case DenseTensor<int> t: contents.IntContents.AddRange(t.ToArray()); break;
            case DenseTensor<long> t: contents.Int64Contents.AddRange(t.ToArray()); break;
            case DenseTensor<byte> t: foreach (var v in t.Span) { contents.UintContents.Add(v); } break;
            case DenseTensor<ushort> t: foreach (var v in t.Span) { contents.UintContents.Add(v); } break;
            case DenseTensor<uint> t: contents.UintContents.AddRange(t.ToArray()); break;
            case DenseTensor<ulong> t: contents.Uint64Contents.AddRange(t.ToArray()); break;
            case DenseTensor<float> t: contents.Fp32Contents.AddRange(t.ToArray()); break;
            case DenseTensor<double> t: contents.Fp64Contents.AddRange(t.ToArray()); break;
            case StringTensor t: foreach (var v in t.RawValues) { contents.BytesContents.Add(ByteString.CopyFromUtf8(v)); } break;
            default: throw new NotSupportedException($"Cannot write {tensor} as typed contents.");
        }

        return contents;
    }
}
