using System.Text.Json;
using Cloud.Serving.Tensors;
using Cloud.TestSupport.Conformance;

namespace Cloud.Host.Tests.Conformance;

/// <summary>
/// Writes a case's inputs as a TF Serving REST <c>:predict</c> body in the columnar format, the way a client would
/// from https://www.tensorflow.org/tfx/serving/api_rest alone: <c>{"inputs": tensor}</c> for a single-input model,
/// <c>{"inputs": {"name": tensor, ...}}</c> otherwise; each tensor as nested lists (the nesting is the shape, a
/// scalar is the bare value), each element written by <see cref="CaseJsonValues"/>.
/// </summary>
internal static class TfCaseRequest
{
    /// <summary>
    /// Why TF Serving's JSON cannot carry a data set, or null when it can. The columnar format has no shape beside
    /// the data, so a zero-sized dimension hides every dimension after it: [0,3] and [0,5] are both <c>[]</c>, for
    /// the request's inputs and the response's outputs alike. (Values the JSON protocols cannot carry at all, such as
    /// sequences and bfloat16, are the binding-level suite's "unsupported by serving" and never get here.)
    /// </summary>
    /// <summary>Why no JSON protocol can carry the tensor (bfloat16 has no JSON datatype); null when JSON can.</summary>
    public static string? JsonCannotCarry(NamedTensor tensor) =>
        tensor.Value.ElementType == Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.BFloat16 ? $"'{tensor.Name}' is bfloat16, which has no JSON datatype (it travels as binary data or gRPC raw contents)" : null;

    public static string? WhyNotRepresentable(BackendDataSet data)
    {
        foreach (var (kind, tensors) in new[] { ("input", data.Inputs), ("output", data.ExpectedOutputs) })
        {
            foreach (var tensor in tensors)
            {
                if (JsonCannotCarry(tensor) is { } why)
                {
                    return $"{kind} {why}";
                }

                var shape = tensor.Value.Shape;
                for (var d = 0; d < shape.Count - 1; d++)
                {
                    if (shape[d] == 0)
                    {
                        return $"{kind} '{tensor.Name}' has shape [{string.Join(",", shape)}]: nested lists cannot give the sizes after a zero-sized dimension";
                    }
                }
            }
        }

        return null;
    }

    public static byte[] Write(IReadOnlyList<NamedTensor> inputs)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WritePropertyName("inputs");
            if (inputs.Count == 1)
            {
                WriteTensor(writer, inputs[0].Value);
            }
            else
            {
                writer.WriteStartObject();
                foreach (var input in inputs)
                {
                    writer.WritePropertyName(input.Name);
                    WriteTensor(writer, input.Value);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static void WriteTensor(Utf8JsonWriter writer, Tensor tensor)
    {
        if (tensor.Shape.Count == 0)
        {
            CaseJsonValues.Write(writer, tensor, 0, 1);
            return;
        }

        var offset = 0;
        WriteList(writer, tensor, 0, ref offset);
    }

    private static void WriteList(Utf8JsonWriter writer, Tensor tensor, int dim, ref int offset)
    {
        writer.WriteStartArray();
        var count = checked((int)tensor.Shape[dim]);
        if (dim == tensor.Shape.Count - 1)
        {
            CaseJsonValues.Write(writer, tensor, offset, count);
            offset += count;
        }
        else
        {
            for (var i = 0; i < count; i++)
            {
                WriteList(writer, tensor, dim + 1, ref offset);
            }
        }

        writer.WriteEndArray();
    }
}
