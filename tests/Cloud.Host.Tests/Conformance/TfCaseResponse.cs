using System.Text.Json;
using Cloud.Serving.Tensors;

namespace Cloud.Host.Tests.Conformance;

/// <summary>
/// Reads the outputs of a TF Serving REST columnar <c>:predict</c> response, <c>{"outputs": ...}</c>, from the
/// protocol's text alone. TF Serving writes the only output's tensor bare and several outputs as an object keyed by
/// name (json_tensor.cc, MakeColumnarFormatJsonFromTensors); a tensor is never an object, so the two cannot be
/// confused. The nesting gives the shape. The JSON names no element type, so each output is read as the type the
/// case expects, as a client would from the model's metadata: a value of another kind (1.5 for an integer, a
/// string for a float) is an error, not a conversion.
/// </summary>
internal static class TfCaseResponse
{
    /// <summary>The outputs the case expects, by name.</summary>
    /// <param name="body">The response body.</param>
    /// <param name="expected">The case's expected outputs: their names and element types.</param>
    /// <exception cref="FormatException">The body is not a well-formed response.</exception>
    /// <exception cref="InvalidOperationException">A value is not of its output's JSON kind.</exception>
    /// <exception cref="KeyNotFoundException">The body has no "outputs".</exception>
    public static Dictionary<string, Tensor> Read(string body, IReadOnlyList<NamedTensor> expected)
    {
        using var document = CaseJsonValues.Parse(body);
        var outputs = document.RootElement.GetProperty("outputs");
        var read = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        if (outputs.ValueKind != JsonValueKind.Object)
        {
            if (expected.Count != 1)
            {
                throw new FormatException($"\"outputs\" is one unnamed tensor, but the model has {expected.Count} outputs.");
            }

            read[expected[0].Name] = ReadTensor(outputs, expected[0].Value);
            return read;
        }

        foreach (var output in expected)
        {
            if (outputs.TryGetProperty(output.Name, out var value))
            {
                read[output.Name] = ReadTensor(value, output.Value);
            }
        }

        return read;
    }

    private static Tensor ReadTensor(JsonElement value, Tensor expected)
    {
        // The first list at each depth gives that dimension; Flatten checks that every other list agrees.
        var shape = new List<long>();
        for (var e = value; e.ValueKind == JsonValueKind.Array; e = e[0])
        {
            shape.Add(e.GetArrayLength());
            if (shape[^1] == 0)
            {
                break;
            }
        }

        var elements = new List<JsonElement>();
        Flatten(value, shape, 0, elements);
        return CaseJsonValues.ToTensor(expected.ElementType, [.. elements], [.. shape]);
    }

    private static void Flatten(JsonElement value, List<long> shape, int depth, List<JsonElement> elements)
    {
        if (depth == shape.Count)
        {
            elements.Add(value.ValueKind == JsonValueKind.Array
                ? throw new FormatException($"A list at depth {depth}, where [{string.Join(",", shape)}] needs a value.")
                : value);
            return;
        }

        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() != shape[depth])
        {
            var what = value.ValueKind == JsonValueKind.Array ? $"a list of {value.GetArrayLength()}" : $"a {value.ValueKind}";
            throw new FormatException($"The lists are ragged: {what} at depth {depth}, where [{string.Join(",", shape)}] needs a list of {shape[depth]}.");
        }

        foreach (var item in value.EnumerateArray())
        {
            Flatten(item, shape, depth + 1, elements);
        }
    }
}
