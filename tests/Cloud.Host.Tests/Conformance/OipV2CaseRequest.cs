using System.Globalization;
using System.Text.Json;
using Cloud.Serving.Tensors;
using Microsoft.ML.OnnxRuntime;

namespace Cloud.Host.Tests.Conformance;

/// <summary>
/// Writes a case's inputs as an Open Inference Protocol v2 <c>/infer</c> body, the way a client would from the
/// protocol's text alone: the datatype named after the element type, the shape, and the elements flat in row-major
/// order; FP16 as numbers, BYTES as strings, BOOL as true/false, and NaN/Infinity/-Infinity as the bare tokens the
/// host accepts (TF Serving's convention, docs/api.md).
/// </summary>
internal static class OipV2CaseRequest
{
    public static byte[] Write(IReadOnlyList<NamedTensor> inputs)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("inputs");
            foreach (var input in inputs)
            {
                writer.WriteStartObject();
                writer.WriteString("name", input.Name);
                writer.WriteStartArray("shape");
                foreach (var dim in input.Value.Shape)
                {
                    writer.WriteNumberValue(dim);
                }

                writer.WriteEndArray();
                writer.WriteString("datatype", DataType(input.Value.ElementType));
                writer.WriteStartArray("data");
                WriteElements(writer, input.Value);
                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>The protocol's datatype for an element type (the KServe v2 table).</summary>
    public static string DataType(TensorElementType type) => type switch
    {
        TensorElementType.Bool => "BOOL",
        TensorElementType.UInt8 => "UINT8",
        TensorElementType.UInt16 => "UINT16",
        TensorElementType.UInt32 => "UINT32",
        TensorElementType.UInt64 => "UINT64",
        TensorElementType.Int8 => "INT8",
        TensorElementType.Int16 => "INT16",
        TensorElementType.Int32 => "INT32",
        TensorElementType.Int64 => "INT64",
        TensorElementType.Float16 => "FP16",
        TensorElementType.Float => "FP32",
        TensorElementType.Double => "FP64",
        TensorElementType.String => "BYTES",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "no Open Inference Protocol datatype carries it in JSON"),
    };

    private static void WriteElements(Utf8JsonWriter writer, Tensor tensor)
    {
        switch (tensor)
        {
            case DenseTensor<float> t: foreach (var v in t.Span) { WriteReal(writer, v, v.ToString("R", CultureInfo.InvariantCulture)); } break;
            case DenseTensor<double> t: foreach (var v in t.Span) { WriteReal(writer, v, v.ToString("R", CultureInfo.InvariantCulture)); } break;
            case DenseTensor<Half> t: foreach (var v in t.Span) { WriteReal(writer, (double)v, v.ToString(CultureInfo.InvariantCulture)); } break;
            case DenseTensor<sbyte> t: foreach (var v in t.Span) { writer.WriteNumberValue(v); } break;
            case DenseTensor<byte> t: foreach (var v in t.Span) { writer.WriteNumberValue(v); } break;
            case DenseTensor<short> t: foreach (var v in t.Span) { writer.WriteNumberValue(v); } break;
            case DenseTensor<ushort> t: foreach (var v in t.Span) { writer.WriteNumberValue(v); } break;
            case DenseTensor<int> t: foreach (var v in t.Span) { writer.WriteNumberValue(v); } break;
            case DenseTensor<uint> t: foreach (var v in t.Span) { writer.WriteNumberValue(v); } break;
            case DenseTensor<long> t: foreach (var v in t.Span) { writer.WriteNumberValue(v); } break;
            case DenseTensor<ulong> t: foreach (var v in t.Span) { writer.WriteNumberValue(v); } break;
            case DenseTensor<bool> t: foreach (var v in t.Span) { writer.WriteBooleanValue(v); } break;
            case StringTensor t: foreach (var v in t.Values) { writer.WriteStringValue(v); } break;
            default: throw new ArgumentException($"No JSON encoding for {tensor}.", nameof(tensor));
        }
    }

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
}
