using System.Text.Json;
using Cloud.Serving.Tensors;

namespace Cloud.Host.Tests.Conformance;

/// <summary>
/// A case's inputs as a binary tensor data extension body: the JSON header names each input with its
/// <c>binary_data_size</c> and asks for every output as binary data; the inputs' bytes follow in order.
/// </summary>
internal static class BinaryCaseRequest
{
    public static (byte[] Body, int HeaderLength) Write(IReadOnlyList<NamedTensor> inputs)
    {
        var data = inputs.Select(i => RawCaseTensors.ToBytes(i.Value)).ToList();
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("parameters");
            writer.WriteBoolean("binary_data_output", true);
            writer.WriteEndObject();
            writer.WriteStartArray("inputs");
            for (var i = 0; i < inputs.Count; i++)
            {
                writer.WriteStartObject();
                writer.WriteString("name", inputs[i].Name);
                writer.WriteStartArray("shape");
                foreach (var dim in inputs[i].Value.Shape)
                {
                    writer.WriteNumberValue(dim);
                }

                writer.WriteEndArray();
                writer.WriteString("datatype", RawCaseTensors.DataType(inputs[i].Value.ElementType));
                writer.WriteStartObject("parameters");
                writer.WriteNumber("binary_data_size", data[i].Length);
                writer.WriteEndObject();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        var headerLength = (int)buffer.Length;
        foreach (var part in data)
        {
            buffer.Write(part);
        }

        return (buffer.ToArray(), headerLength);
    }

    /// <summary>The outputs of a binary answer: the JSON header's length from its header, each output's bytes after it.</summary>
    /// <exception cref="FormatException">The answer is not a well-formed binary response.</exception>
    public static Dictionary<string, Tensor> Read(byte[] body, int? headerLength)
    {
        var length = headerLength ?? throw new FormatException("The answer has no Inference-Header-Content-Length.");
        using var document = JsonDocument.Parse(body.AsMemory(0, length));
        var outputs = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var offset = length;
        foreach (var output in document.RootElement.GetProperty("outputs").EnumerateArray())
        {
            var size = output.GetProperty("parameters").GetProperty("binary_data_size").GetInt32();
            var shape = output.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray();
            outputs[output.GetProperty("name").GetString()!] = RawCaseTensors.FromBytes(output.GetProperty("datatype").GetString()!, shape, body.AsSpan(offset, size));
            offset += size;
        }

        return offset == body.Length ? outputs : throw new FormatException($"{body.Length - offset} bytes follow the last output.");
    }
}
