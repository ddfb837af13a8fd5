using System.Globalization;
using System.Text.Json;

namespace Cloud.Sdk.Prediction;

/// <summary>
/// An OIP v2 <c>/infer</c> answer over HTTP: plain JSON, or the binary tensor data extension's form when the answer
/// has an Inference-Header-Content-Length header (that many bytes of JSON, then the raw bytes of each output whose
/// <c>parameters</c> give a <c>binary_data_size</c>, in output order). Both read into the same outputs; the header
/// decides, not the content type, so an older server that ignores <c>binary_data_output</c> is still read as JSON.
/// </summary>
internal static class InferAnswer
{
    private const string HeaderLength = "Inference-Header-Content-Length";

    /// <exception cref="CloudRequestException">The binary part does not match what the JSON header says it holds.</exception>
    public static InferenceResult Read(HttpResponseMessage response, byte[] body)
    {
        var jsonLength = JsonLength(response, body.Length);
        var root = JsonSerializer.Deserialize<JsonElement>(body.AsSpan(0, jsonLength));
        var binary = body.AsSpan(jsonLength);
        var outputs = new List<InferOutput>();
        if (root.TryGetProperty("outputs", out var list))
        {
            foreach (var o in list.EnumerateArray())
            {
                var name = o.GetProperty("name").GetString()!;
                var datatype = o.GetProperty("datatype").GetString()!;
                var shape = o.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray();
                JsonElement data;
                if (o.TryGetProperty("parameters", out var parameters) && parameters.TryGetProperty("binary_data_size", out var sizeElement))
                {
                    var size = sizeElement.GetInt64();
                    if (size < 0 || size > binary.Length)
                    {
                        throw new CloudRequestException($"The answer's output '{name}' has binary_data_size {size} but only {binary.Length} bytes of binary data remain.");
                    }

                    data = OutputData.FromRaw(name, datatype, shape, binary[..(int)size]);
                    binary = binary[(int)size..];
                }
                else
                {
                    data = o.TryGetProperty("data", out var given) ? given : default;
                }

                outputs.Add(new InferOutput(name, datatype, shape, data));
            }
        }

        if (!binary.IsEmpty)
        {
            throw new CloudRequestException($"{binary.Length} bytes of the answer's binary data belong to no output's binary_data_size.");
        }

        return new InferenceResult(root.TryGetProperty("id", out var id) ? id.GetString() : null, outputs, ServedBy.Of(response),
            root.TryGetProperty("model_version", out var version) ? version.GetString() : null);
    }

    /// <summary>How many of the body's bytes are JSON: all of them unless the header says fewer.</summary>
    private static int JsonLength(HttpResponseMessage response, int bodyLength)
    {
        if (!response.Headers.NonValidated.TryGetValues(HeaderLength, out var values))
        {
            return bodyLength;
        }

        var text = values.ToString();
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var length) && length <= bodyLength
            ? length
            : throw new CloudRequestException($"The answer's {HeaderLength} is '{text}', which is not a length within its {bodyLength}-byte body.");
    }
}
