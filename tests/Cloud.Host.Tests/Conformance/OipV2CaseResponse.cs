using System.Text.Json;
using Cloud.Serving.Tensors;
using Microsoft.ML.OnnxRuntime;

namespace Cloud.Host.Tests.Conformance;

/// <summary>
/// Reads the outputs of an Open Inference Protocol v2 <c>/infer</c> response into tensors of the datatype the
/// response names (so a wrong datatype shows as an element-type difference), from the protocol's text alone:
/// flat row-major data beside a shape, each element read by <see cref="CaseJsonValues"/>.
/// </summary>
internal static class OipV2CaseResponse
{
    private static readonly Dictionary<string, TensorElementType> ElementTypes =
        OipV2CaseRequest.DataTypes.ToDictionary(pair => pair.Value, pair => pair.Key, StringComparer.Ordinal);

    /// <summary>Every output by name.</summary>
    /// <exception cref="FormatException">The body is not a well-formed response.</exception>
    public static Dictionary<string, Tensor> Read(string body)
    {
        using var document = CaseJsonValues.Parse(body);
        var outputs = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var output in document.RootElement.GetProperty("outputs").EnumerateArray())
        {
            var name = output.GetProperty("name").GetString()!;
            var shape = output.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray();
            var data = output.GetProperty("data").EnumerateArray().ToArray();
            var datatype = output.GetProperty("datatype").GetString()!;
            outputs[name] = CaseJsonValues.ToTensor(
                ElementTypes.TryGetValue(datatype, out var type) ? type : throw new FormatException($"Unknown datatype '{datatype}'."), data, shape);
        }

        return outputs;
    }
}
