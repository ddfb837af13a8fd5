using System.Text.Json;
using System.Text.RegularExpressions;
using Cloud.Serving.Tensors;

namespace Cloud.Host.Tests.Conformance;

/// <summary>
/// Reads the outputs of an Open Inference Protocol v2 <c>/infer</c> response into tensors of the datatype the
/// response names (so a wrong datatype shows as an element-type difference), from the protocol's text alone:
/// flat row-major data, FP16 as numbers, BOOL as true/false, BYTES as strings, NaN/Infinity/-Infinity as bare tokens.
/// </summary>
internal static partial class OipV2CaseResponse
{
    /// <summary>Every output by name.</summary>
    /// <exception cref="FormatException">The body is not a well-formed response.</exception>
    public static Dictionary<string, Tensor> Read(string body)
    {
        using var document = JsonDocument.Parse(QuoteNonFiniteTokens(body));
        var outputs = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var output in document.RootElement.GetProperty("outputs").EnumerateArray())
        {
            var name = output.GetProperty("name").GetString()!;
            var shape = output.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray();
            var data = output.GetProperty("data").EnumerateArray().ToArray();
            outputs[name] = Tensor(output.GetProperty("datatype").GetString()!, data, shape);
        }

        return outputs;
    }

    private static Tensor Tensor(string datatype, JsonElement[] data, long[] shape) => datatype switch
    {
        "FP32" => Serving.Tensors.Tensor.Create(data.Select(e => (float)Real(e)).ToArray(), shape),
        "FP64" => Serving.Tensors.Tensor.Create(data.Select(Real).ToArray(), shape),
        "FP16" => Serving.Tensors.Tensor.Create(data.Select(e => (Half)Real(e)).ToArray(), shape),
        "INT8" => Serving.Tensors.Tensor.Create(data.Select(e => e.GetSByte()).ToArray(), shape),
        "UINT8" => Serving.Tensors.Tensor.Create(data.Select(e => e.GetByte()).ToArray(), shape),
        "INT16" => Serving.Tensors.Tensor.Create(data.Select(e => e.GetInt16()).ToArray(), shape),
        "UINT16" => Serving.Tensors.Tensor.Create(data.Select(e => e.GetUInt16()).ToArray(), shape),
        "INT32" => Serving.Tensors.Tensor.Create(data.Select(e => e.GetInt32()).ToArray(), shape),
        "UINT32" => Serving.Tensors.Tensor.Create(data.Select(e => e.GetUInt32()).ToArray(), shape),
        "INT64" => Serving.Tensors.Tensor.Create(data.Select(e => e.GetInt64()).ToArray(), shape),
        "UINT64" => Serving.Tensors.Tensor.Create(data.Select(e => e.GetUInt64()).ToArray(), shape),
        "BOOL" => Serving.Tensors.Tensor.Create(data.Select(e => e.GetBoolean()).ToArray(), shape),
        "BYTES" => Serving.Tensors.Tensor.CreateStrings(data.Select(e => e.GetString()!).ToArray(), shape),
        _ => throw new FormatException($"Unknown datatype '{datatype}'."),
    };

    // A finite number, or one of the three tokens (quoted by QuoteNonFiniteTokens). Parsing the text as double and
    // narrowing it is exact for FP32 and FP16, since the writer sends each value's shortest round-trip text.
    private static double Real(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Number => element.GetDouble(),
        JsonValueKind.String => element.GetString() switch
        {
            "NaN" => double.NaN,
            "Infinity" => double.PositiveInfinity,
            "-Infinity" => double.NegativeInfinity,
            var other => throw new FormatException($"\"{other}\" is not a number."),
        },
        _ => throw new FormatException($"{element.ValueKind} is not a number."),
    };

    /// <summary>
    /// JSON has no non-finite numbers, so the host writes bare NaN, Infinity and -Infinity (as TF Serving does) and
    /// JsonDocument refuses them. Strings are matched first and kept as they are, so a string holding "NaN" stays one.
    /// </summary>
    private static string QuoteNonFiniteTokens(string body) =>
        BareTokenOrString().Replace(body, m => m.Value[0] == '"' ? m.Value : $"\"{m.Value}\"");

    [GeneratedRegex("""
        "(?:[^"\\]|\\.)*"|-?Infinity|NaN
        """, RegexOptions.CultureInvariant)]
    private static partial Regex BareTokenOrString();
}
