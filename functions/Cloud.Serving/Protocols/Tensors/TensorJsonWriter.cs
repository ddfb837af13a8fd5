using BFloat16 = Microsoft.ML.OnnxRuntime.BFloat16;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Cloud.Registry.Onnx;
using Cloud.Serving.Tensors;

namespace Cloud.Serving.Protocols.Tensors;

/// <summary>
/// Writes tensor elements as JSON: nested lists by shape, one row of a tensor, or flat. Floating-point values are
/// written in their shortest round-trip form and NaN/Infinity/-Infinity as the strings "NaN", "Infinity" and
/// "-Infinity" (protobuf's JSON mapping). TF Serving writes them as bare tokens, which strict parsers (JSON.parse,
/// System.Text.Json, Go's encoding/json) refuse: one non-finite value would make the whole answer unreadable.
/// </summary>
internal static class TensorJsonWriter
{
    /// <summary>Writes the whole tensor as nested lists (a bare value for a scalar).</summary>
    public static void WriteNested(Utf8JsonWriter writer, Tensor tensor) =>
        Write(writer, tensor, start: 0, length: checked((int)tensor.ElementCount), firstDim: 0, flat: false);

    /// <summary>Writes entry <paramref name="row"/> of dimension 0: a value for a [batch] tensor, nested lists otherwise.</summary>
    public static void WriteRow(Utf8JsonWriter writer, Tensor tensor, int row)
    {
        var rowLength = checked((int)(tensor.ElementCount / tensor.Shape[0]));
        Write(writer, tensor, start: row * rowLength, length: rowLength, firstDim: 1, flat: false);
    }

    /// <summary>Writes every element, row-major, in one flat list.</summary>
    public static void WriteFlat(Utf8JsonWriter writer, Tensor tensor) =>
        Write(writer, tensor, start: 0, length: checked((int)tensor.ElementCount), firstDim: 0, flat: true);

    /// <summary>Dimension 0 of an output: the rows it holds (0 for a scalar, which has none).</summary>
    public static long Rows(Tensor tensor) => tensor.Shape.Count == 0 ? 0 : tensor.Shape[0];

    private static void Write(Utf8JsonWriter writer, Tensor tensor, int start, int length, int firstDim, bool flat)
    {
        switch (tensor)
        {
            case StringTensor strings:
                WriteStrings(writer, strings, start, length, firstDim, flat);
                return;
            case DenseTensor<float> t: WriteDense(writer, t, start, length, firstDim, flat); return;
            case DenseTensor<double> t: WriteDense(writer, t, start, length, firstDim, flat); return;
            case DenseTensor<Half> t: WriteDense(writer, t, start, length, firstDim, flat); return;
            case DenseTensor<BFloat16> t: WriteDense(writer, t, start, length, firstDim, flat); return;
            case DenseTensor<sbyte> t: WriteDense(writer, t, start, length, firstDim, flat); return;
            case DenseTensor<byte> t: WriteDense(writer, t, start, length, firstDim, flat); return;
            case DenseTensor<short> t: WriteDense(writer, t, start, length, firstDim, flat); return;
            case DenseTensor<ushort> t: WriteDense(writer, t, start, length, firstDim, flat); return;
            case DenseTensor<int> t: WriteDense(writer, t, start, length, firstDim, flat); return;
            case DenseTensor<uint> t: WriteDense(writer, t, start, length, firstDim, flat); return;
            case DenseTensor<long> t: WriteDense(writer, t, start, length, firstDim, flat); return;
            case DenseTensor<ulong> t: WriteDense(writer, t, start, length, firstDim, flat); return;
            case DenseTensor<bool> t: WriteDense(writer, t, start, length, firstDim, flat); return;
            default:
                throw new NotSupportedException($"Cannot write a {TensorElementTypes.Name(tensor.ElementType)} tensor as JSON.");
        }
    }

    private static void WriteDense<T>(Utf8JsonWriter writer, DenseTensor<T> tensor, int start, int length, int firstDim, bool flat)
        where T : unmanaged
    {
        var values = tensor.Buffer.Span.Slice(start, length);
        if (flat)
        {
            writer.WriteStartArray();
            foreach (var value in values)
            {
                WriteValue(writer, value);
            }

            writer.WriteEndArray();
            return;
        }

        var offset = 0;
        WriteNestedDense(writer, values, tensor.Shape, firstDim, ref offset);
    }

    private static void WriteNestedDense<T>(Utf8JsonWriter writer, ReadOnlySpan<T> values, IReadOnlyList<long> shape, int dim, ref int offset)
        where T : unmanaged
    {
        if (dim == shape.Count)
        {
            WriteValue(writer, values[offset++]);
            return;
        }

        writer.WriteStartArray();
        var count = (int)shape[dim];
        if (dim == shape.Count - 1)
        {
            foreach (var value in values.Slice(offset, count))
            {
                WriteValue(writer, value);
            }

            offset += count;
        }
        else
        {
            for (var i = 0; i < count; i++)
            {
                WriteNestedDense(writer, values, shape, dim + 1, ref offset);
            }
        }

        writer.WriteEndArray();
    }

    private static void WriteStrings(Utf8JsonWriter writer, StringTensor tensor, int start, int length, int firstDim, bool flat)
    {
        if (flat)
        {
            writer.WriteStartArray();
            for (var i = start; i < start + length; i++)
            {
                writer.WriteStringValue(tensor.Values[i]);
            }

            writer.WriteEndArray();
            return;
        }

        var offset = start;
        WriteNestedStrings(writer, tensor, firstDim, ref offset);
    }

    private static void WriteNestedStrings(Utf8JsonWriter writer, StringTensor tensor, int dim, ref int offset)
    {
        if (dim == tensor.Shape.Count)
        {
            writer.WriteStringValue(tensor.Values[offset++]);
            return;
        }

        writer.WriteStartArray();
        for (var i = 0; i < tensor.Shape[dim]; i++)
        {
            WriteNestedStrings(writer, tensor, dim + 1, ref offset);
        }

        writer.WriteEndArray();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void WriteValue<T>(Utf8JsonWriter writer, T value)
        where T : unmanaged
    {
        if (typeof(T) == typeof(float))
        {
            var f = Unsafe.As<T, float>(ref value);
            if (float.IsFinite(f))
            {
                writer.WriteNumberValue(f);
            }
            else
            {
                WriteNonFinite(writer, f);
            }
        }
        else if (typeof(T) == typeof(double))
        {
            var d = Unsafe.As<T, double>(ref value);
            if (double.IsFinite(d))
            {
                writer.WriteNumberValue(d);
            }
            else
            {
                WriteNonFinite(writer, d);
            }
        }
        else if (typeof(T) == typeof(Half))
        {
            WriteHalf(writer, Unsafe.As<T, Half>(ref value));
        }
        else if (typeof(T) == typeof(BFloat16))
        {
            // Every bfloat16 is a float exactly (its top 16 bits), so the number read back is the value answered.
            var f = (float)Unsafe.As<T, BFloat16>(ref value);
            if (float.IsFinite(f))
            {
                writer.WriteNumberValue(f);
            }
            else
            {
                WriteNonFinite(writer, f);
            }
        }
        else if (typeof(T) == typeof(bool))
        {
            writer.WriteBooleanValue(Unsafe.As<T, bool>(ref value));
        }
        else if (typeof(T) == typeof(sbyte))
        {
            writer.WriteNumberValue(Unsafe.As<T, sbyte>(ref value));
        }
        else if (typeof(T) == typeof(byte))
        {
            writer.WriteNumberValue(Unsafe.As<T, byte>(ref value));
        }
        else if (typeof(T) == typeof(short))
        {
            writer.WriteNumberValue(Unsafe.As<T, short>(ref value));
        }
        else if (typeof(T) == typeof(ushort))
        {
            writer.WriteNumberValue(Unsafe.As<T, ushort>(ref value));
        }
        else if (typeof(T) == typeof(int))
        {
            writer.WriteNumberValue(Unsafe.As<T, int>(ref value));
        }
        else if (typeof(T) == typeof(uint))
        {
            writer.WriteNumberValue(Unsafe.As<T, uint>(ref value));
        }
        else if (typeof(T) == typeof(long))
        {
            writer.WriteNumberValue(Unsafe.As<T, long>(ref value));
        }
        else if (typeof(T) == typeof(ulong))
        {
            writer.WriteNumberValue(Unsafe.As<T, ulong>(ref value));
        }
        else
        {
            throw new NotSupportedException($"{typeof(T).Name} is not an element type the codecs write.");
        }
    }

    /// <summary>
    /// A half as the shortest float text of its exact value (0.099975586 for the half nearest 0.1): clients read
    /// JSON numbers as float or double, and this gives them the half's true value, which still rounds back to the
    /// same half. (The half's own shortest text, 0.1, would hand them a different number.)
    /// </summary>
    private static void WriteHalf(Utf8JsonWriter writer, Half value)
    {
        var widened = (float)value;
        if (float.IsFinite(widened))
        {
            writer.WriteNumberValue(widened);
        }
        else
        {
            WriteNonFinite(writer, widened);
        }
    }

    private static void WriteNonFinite(Utf8JsonWriter writer, double value) =>
        writer.WriteStringValue(double.IsNaN(value) ? "NaN"u8 : value > 0 ? "Infinity"u8 : "-Infinity"u8);
}
