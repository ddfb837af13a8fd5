using System.Globalization;
using System.Text.Json;
using Cloud.Serving.Tensors;
using Microsoft.ML.OnnxRuntime;

namespace Cloud.Host.Tests.Conformance;

/// <summary>
/// Tensor elements as JSON values, the way a client of either protocol writes and reads them from the protocols'
/// text alone (not the server's codec): numbers, FP16 as numbers, booleans as true/false, strings as strings, and
/// NaN/Infinity/-Infinity written as the bare tokens TF Serving accepts and read as the strings the host answers
/// with (docs/api.md). Only the layout
/// differs between the protocols (flat data beside a shape, or nested lists), so that is all their codecs add.
/// </summary>
internal static class CaseJsonValues
{
    /// <summary>Writes elements [<paramref name="start"/>, <paramref name="start"/> + <paramref name="count"/>) of a tensor, row-major, without a list around them.</summary>
    public static void Write(Utf8JsonWriter writer, Tensor tensor, int start, int count)
    {
        switch (tensor)
        {
            case DenseTensor<float> t: foreach (var v in t.Span.Slice(start, count)) { WriteReal(writer, v, v.ToString("R", CultureInfo.InvariantCulture)); } break;
            case DenseTensor<double> t: foreach (var v in t.Span.Slice(start, count)) { WriteReal(writer, v, v.ToString("R", CultureInfo.InvariantCulture)); } break;
            case DenseTensor<Half> t: foreach (var v in t.Span.Slice(start, count)) { WriteReal(writer, (double)v, v.ToString(CultureInfo.InvariantCulture)); } break;
            case DenseTensor<sbyte> t: foreach (var v in t.Span.Slice(start, count)) { writer.WriteNumberValue(v); } break;
            case DenseTensor<byte> t: foreach (var v in t.Span.Slice(start, count)) { writer.WriteNumberValue(v); } break;
            case DenseTensor<short> t: foreach (var v in t.Span.Slice(start, count)) { writer.WriteNumberValue(v); } break;
            case DenseTensor<ushort> t: foreach (var v in t.Span.Slice(start, count)) { writer.WriteNumberValue(v); } break;
            case DenseTensor<int> t: foreach (var v in t.Span.Slice(start, count)) { writer.WriteNumberValue(v); } break;
            case DenseTensor<uint> t: foreach (var v in t.Span.Slice(start, count)) { writer.WriteNumberValue(v); } break;
            case DenseTensor<long> t: foreach (var v in t.Span.Slice(start, count)) { writer.WriteNumberValue(v); } break;
            case DenseTensor<ulong> t: foreach (var v in t.Span.Slice(start, count)) { writer.WriteNumberValue(v); } break;
            case DenseTensor<bool> t: foreach (var v in t.Span.Slice(start, count)) { writer.WriteBooleanValue(v); } break;
            case StringTensor t: for (var i = start; i < start + count; i++) { writer.WriteStringValue(t.Values[i]); } break;
            default: throw new ArgumentException($"No JSON encoding for {tensor}.", nameof(tensor));
        }
    }

    /// <summary>Parses a response body as strict JSON (non-finite values come as strings), as a browser's JSON.parse would.</summary>
    /// <exception cref="JsonException">The body is not strict JSON.</exception>
    public static JsonDocument Parse(string body) => JsonDocument.Parse(body);

    /// <summary>
    /// A tensor of <paramref name="type"/> from elements read by <see cref="Parse"/>, so a value of another type
    /// shows as an error rather than being converted.
    /// </summary>
    /// <exception cref="FormatException">An element is a number that does not fit the type, or an unknown token.</exception>
    /// <exception cref="InvalidOperationException">An element is not of the type's JSON kind (a string for a number, 1.5 for an integer).</exception>
    public static Tensor ToTensor(TensorElementType type, JsonElement[] data, long[] shape) => type switch
    {
        TensorElementType.Float => Tensor.Create(data.Select(e => (float)Real(e)).ToArray(), shape),
        TensorElementType.Double => Tensor.Create(data.Select(Real).ToArray(), shape),
        TensorElementType.Float16 => Tensor.Create(data.Select(e => (Half)Real(e)).ToArray(), shape),
        TensorElementType.Int8 => Tensor.Create(data.Select(e => e.GetSByte()).ToArray(), shape),
        TensorElementType.UInt8 => Tensor.Create(data.Select(e => e.GetByte()).ToArray(), shape),
        TensorElementType.Int16 => Tensor.Create(data.Select(e => e.GetInt16()).ToArray(), shape),
        TensorElementType.UInt16 => Tensor.Create(data.Select(e => e.GetUInt16()).ToArray(), shape),
        TensorElementType.Int32 => Tensor.Create(data.Select(e => e.GetInt32()).ToArray(), shape),
        TensorElementType.UInt32 => Tensor.Create(data.Select(e => e.GetUInt32()).ToArray(), shape),
        TensorElementType.Int64 => Tensor.Create(data.Select(e => e.GetInt64()).ToArray(), shape),
        TensorElementType.UInt64 => Tensor.Create(data.Select(e => e.GetUInt64()).ToArray(), shape),
        TensorElementType.Bool => Tensor.Create(data.Select(e => e.GetBoolean()).ToArray(), shape),
        TensorElementType.String => Tensor.CreateStrings(data.Select(e => e.GetString()!).ToArray(), shape),
        _ => throw new FormatException($"No JSON encoding for element type {type}."),
    };

    // The shortest text that reads back as the same value ("R" for float and double, Half's own formatting), so the
    // model sees exactly the case's input; non-finite values as bare tokens, which plain JSON has no number for.
    private static void WriteReal(Utf8JsonWriter writer, double value, string text)
    {
        if (double.IsFinite(value))
        {
            writer.WriteRawValue(text, skipInputValidation: true);
        }
        else
        {
            writer.WriteRawValue(double.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity", skipInputValidation: true);
        }
    }

    // A finite number, or one of the three strings the host writes for non-finite values. Parsing the text as double and
    // narrowing it is exact for FP32 and FP16, since the host sends each value's shortest round-trip text.
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
}
