using Cloud.Registry.Onnx;
using Cloud.Serving.Protocols;
using Cloud.Serving.Protocols.OipV2;
using Cloud.Serving.Protocols.Tensors;
using Cloud.Serving.Tensors;
using Google.Protobuf;
using Google.Protobuf.Collections;
using Inference;

namespace Cloud.Serving.Grpc;

/// <summary>
/// Decodes a <c>ModelInferRequest</c> against a model's signature, in either of its forms: every input's data in
/// <c>raw_input_contents</c> (Triton's clients; FP16 and BF16 can only travel so) or every input's in its typed
/// <c>contents</c> (KServe's client for lists). Mixing them is refused, as Triton does. The checks and messages are the
/// JSON form's (<see cref="OipV2RequestReader.CheckInput"/>), so a request means the same in every form.
/// </summary>
internal static class GrpcInferRequestReader
{
    /// <summary>The decoded request and whether it came raw (then the answer goes raw too); throws <see cref="ProtocolException"/>.</summary>
    public static (InferenceRequest Request, bool Raw) Read(ModelInferRequest message, ServedSignature signature)
    {
        signature.ThrowIfUnservable();
        var raw = message.RawInputContents.Count > 0;
        if (raw && message.RawInputContents.Count != message.Inputs.Count)
        {
            throw new ProtocolException(ProtocolErrors.GrpcRawCount(message.RawInputContents.Count, message.Inputs.Count));
        }

        var tensors = new Tensor?[signature.Inputs.Length];
        var shapes = new long[]?[signature.Inputs.Length];
        for (var i = 0; i < message.Inputs.Count; i++)
        {
            var input = message.Inputs[i];
            var index = signature.InputIndex.Find(input.Name);
            if (index < 0)
            {
                throw new ProtocolException(ProtocolErrors.UnknownInput(input.Name, signature.InputIndex.Text));
            }

            var spec = signature.Inputs[index];
            if (tensors[index] is not null)
            {
                throw new ProtocolException(ProtocolErrors.InputGivenTwice(spec.Name));
            }

            if (raw && input.Contents is not null && HasData(input.Contents))
            {
                throw new ProtocolException(ProtocolErrors.GrpcRawAndTyped);
            }

            var shape = Shape(input);
            var datatype = OipV2DataTypes.Parse(input.Datatype);
            OipV2RequestReader.CheckInput(spec, shape, datatype, input.Datatype);
            tensors[index] = raw ? RawTensors.Wrap(spec, shape, RawBytes(message.RawInputContents[i]))
                : Typed(spec, shape, input.Contents);
            shapes[index] = shape;
        }

        var outputs = message.Outputs.Count == 0 ? null : OutputNames(message.Outputs, signature);
        return (OipV2RequestReader.Build(signature, tensors, shapes, outputs), raw || message.Inputs.Count == 0);
    }

    /// <summary>The parsed bytes' own array: Google.Protobuf gave this ByteString an array of its own, which the tensor may keep.</summary>
    private static byte[] RawBytes(ByteString bytes) =>
        System.Runtime.InteropServices.MemoryMarshal.TryGetArray(bytes.Memory, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : bytes.ToByteArray();

    private static long[] Shape(ModelInferRequest.Types.InferInputTensor input)
    {
        long product = 1;
        foreach (var dim in input.Shape)
        {
            product *= dim;
            if (dim < 0 || dim > int.MaxValue || product > int.MaxValue)
            {
                throw new ProtocolException(ProtocolErrors.V2BadShape(input.Name));
            }
        }

        return [.. input.Shape];
    }

    private static string[] OutputNames(RepeatedField<ModelInferRequest.Types.InferRequestedOutputTensor> outputs, ServedSignature signature)
    {
        var names = new string[outputs.Count];
        for (var i = 0; i < outputs.Count; i++)
        {
            var index = signature.OutputIndex.Find(outputs[i].Name);
            if (index < 0)
            {
                throw new ProtocolException(ProtocolErrors.UnknownOutput(outputs[i].Name, signature.OutputIndex.Text));
            }

            names[i] = signature.OutputIndex.Names[index];
            if (Array.IndexOf(names, names[i], 0, i) >= 0)
            {
                throw new ProtocolException(ProtocolErrors.OutputRequestedTwice(names[i]));
            }
        }

        return names;
    }

    private static bool HasData(InferTensorContents c) =>
        c.BoolContents.Count + c.IntContents.Count + c.Int64Contents.Count + c.UintContents.Count + c.Uint64Contents.Count
        + c.Fp32Contents.Count + c.Fp64Contents.Count + c.BytesContents.Count > 0;

    /// <summary>An input from its typed contents: one copy, from the repeated field into the tensor's array.</summary>
    private static Tensor Typed(ServedInput spec, long[] shape, InferTensorContents? contents)
    {
        var datatype = OipV2DataTypes.Name(spec.ElementType);
        contents ??= new InferTensorContents();
        var count = 1L;
        foreach (var dim in shape)
        {
            count *= dim;
        }

        return spec.ElementType switch
        {
            TensorElementType.Bool => Same(spec, shape, count, contents.BoolContents, contents, "bool_contents"),
            TensorElementType.Int8 => Narrow(spec, shape, count, contents.IntContents, contents, "int_contents", static v => v is >= sbyte.MinValue and <= sbyte.MaxValue, static v => (sbyte)v),
            TensorElementType.Int16 => Narrow(spec, shape, count, contents.IntContents, contents, "int_contents", static v => v is >= short.MinValue and <= short.MaxValue, static v => (short)v),
            TensorElementType.Int32 => Same(spec, shape, count, contents.IntContents, contents, "int_contents"),
            TensorElementType.Int64 => Same(spec, shape, count, contents.Int64Contents, contents, "int64_contents"),
            TensorElementType.UInt8 => Narrow(spec, shape, count, contents.UintContents, contents, "uint_contents", static v => v <= byte.MaxValue, static v => (byte)v),
            TensorElementType.UInt16 => Narrow(spec, shape, count, contents.UintContents, contents, "uint_contents", static v => v <= ushort.MaxValue, static v => (ushort)v),
            TensorElementType.UInt32 => Same(spec, shape, count, contents.UintContents, contents, "uint_contents"),
            TensorElementType.UInt64 => Same(spec, shape, count, contents.Uint64Contents, contents, "uint64_contents"),
            TensorElementType.Float => Same(spec, shape, count, contents.Fp32Contents, contents, "fp32_contents"),
            TensorElementType.Double => Same(spec, shape, count, contents.Fp64Contents, contents, "fp64_contents"),
            TensorElementType.String => Strings(spec, shape, count, contents),
            _ => throw new ProtocolException(ProtocolErrors.GrpcMustBeRaw(spec.Name, datatype)),
        };
    }

    private static DenseTensor<T> Same<T>(ServedInput spec, long[] shape, long count, RepeatedField<T> values, InferTensorContents contents, string field)
        where T : unmanaged
    {
        CheckCount(spec, shape, count, values.Count, contents, field);
        var data = new T[values.Count];
        values.CopyTo(data, 0);
        return new DenseTensor<T>(data, shape);
    }

    private static DenseTensor<TTo> Narrow<TFrom, TTo>(ServedInput spec, long[] shape, long count, RepeatedField<TFrom> values, InferTensorContents contents, string field,
        Func<TFrom, bool> fits, Func<TFrom, TTo> convert)
        where TTo : unmanaged
    {
        CheckCount(spec, shape, count, values.Count, contents, field);
        var data = new TTo[values.Count];
        for (var i = 0; i < data.Length; i++)
        {
            var value = values[i];
            if (!fits(value))
            {
                throw new ProtocolException(ProtocolErrors.GrpcOutOfRange(spec.Name, OipV2DataTypes.Name(spec.ElementType), i, Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? ""));
            }

            data[i] = convert(value);
        }

        return new DenseTensor<TTo>(data, shape);
    }

    private static StringTensor Strings(ServedInput spec, long[] shape, long count, InferTensorContents contents)
    {
        CheckCount(spec, shape, count, contents.BytesContents.Count, contents, "bytes_contents");
        var values = new string[contents.BytesContents.Count];
        for (var i = 0; i < values.Length; i++)
        {
            var bytes = contents.BytesContents[i].Span;
            if (!System.Text.Unicode.Utf8.IsValid(bytes))
            {
                throw new ProtocolException(ProtocolErrors.BytesNotUtf8(spec.Name, i));
            }

            values[i] = System.Text.Encoding.UTF8.GetString(bytes);
        }

        return new StringTensor(values, shape);
    }

    private static void CheckCount(ServedInput spec, long[] shape, long expected, int got, InferTensorContents contents, string field)
    {
        if (got == expected)
        {
            return;
        }

        // Data in the wrong field (int64_contents for an INT32 input) says more than "0 values".
        if (got == 0 && HasData(contents))
        {
            throw new ProtocolException(ProtocolErrors.GrpcWrongContents(spec.Name, OipV2DataTypes.Name(spec.ElementType), field));
        }

        if (got == 0 && expected > 0)
        {
            throw new ProtocolException(ProtocolErrors.GrpcNoContents(spec.Name));
        }

        throw new ProtocolException(ProtocolErrors.GrpcContentsCount(spec.Name, TensorElementTypes.FormatShape(shape), expected, field, got));
    }
}
