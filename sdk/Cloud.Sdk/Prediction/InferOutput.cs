using System.Globalization;
using System.Text.Json;

namespace Cloud.Sdk.Prediction;

/// <summary>One output tensor of an Open Inference Protocol v2 answer.</summary>
/// <param name="Name">The output's name.</param>
/// <param name="Datatype">The OIP v2 datatype (FP32, INT64, BYTES, ...).</param>
/// <param name="Shape">The shape.</param>
/// <param name="Data">The elements, row-major, as the answer wrote them (raw outputs, from gRPC or the binary tensor extension, as the same JSON array).</param>
public sealed record InferOutput(string Name, string Datatype, IReadOnlyList<long> Shape, JsonElement Data)
{
    /// <summary>The elements as floats; NaN and the infinities, which the API writes as strings, read back as themselves.</summary>
    /// <returns>The elements.</returns>
    public float[] ToSingleArray() => Data.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String
        ? float.Parse(e.GetString()!, CultureInfo.InvariantCulture) : e.GetSingle()).ToArray();

    /// <summary>The elements as 64-bit integers.</summary>
    /// <returns>The elements.</returns>
    public long[] ToInt64Array() => Data.EnumerateArray().Select(e => e.GetInt64()).ToArray();

    /// <summary>The elements as strings.</summary>
    /// <returns>The elements.</returns>
    public string[] ToStringArray() => Data.EnumerateArray().Select(e => e.GetString() ?? string.Empty).ToArray();
}
