using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Cloud.Serving.Protocols.Tensors;

/// <summary>
/// Reads the JSON token the reader is on as one element of a fixed-size type. Generic over the element so each
/// column's inner loop is compiled for its type: the <c>typeof(T)</c> tests fold away and the value is written
/// straight into the column's buffer, with no boxing.
/// </summary>
internal static class ElementReader
{
    // Integers written with a fraction or exponent (2.0, 1e3) are accepted when whole; beyond 2^63 a double
    // cannot tell neighbouring integers apart, so such values must be written as plain integers.
    private const double TwoTo63 = 9223372036854775808d;
    private const double TwoTo64 = 18446744073709551616d;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ElementStatus TryRead<T>(ref Utf8JsonReader reader, out T value)
        where T : unmanaged
    {
        Unsafe.SkipInit(out value);
        if (typeof(T) == typeof(float))
        {
            return ReadSingle(ref reader, out Unsafe.As<T, float>(ref value));
        }

        if (typeof(T) == typeof(double))
        {
            return ReadDouble(ref reader, out Unsafe.As<T, double>(ref value));
        }

        if (typeof(T) == typeof(Half))
        {
            return ReadHalf(ref reader, out Unsafe.As<T, Half>(ref value));
        }

        if (typeof(T) == typeof(bool))
        {
            return ReadBool(ref reader, out Unsafe.As<T, bool>(ref value));
        }

        if (typeof(T) == typeof(ulong))
        {
            return ReadUnsigned(ref reader, ulong.MaxValue, out Unsafe.As<T, ulong>(ref value));
        }

        if (typeof(T) == typeof(uint) || typeof(T) == typeof(ushort) || typeof(T) == typeof(byte))
        {
            var max = typeof(T) == typeof(uint) ? uint.MaxValue : typeof(T) == typeof(ushort) ? ushort.MaxValue : byte.MaxValue;
            var status = ReadUnsigned(ref reader, max, out var unsigned);
            if (typeof(T) == typeof(uint))
            {
                Unsafe.As<T, uint>(ref value) = (uint)unsigned;
            }
            else if (typeof(T) == typeof(ushort))
            {
                Unsafe.As<T, ushort>(ref value) = (ushort)unsigned;
            }
            else
            {
                Unsafe.As<T, byte>(ref value) = (byte)unsigned;
            }

            return status;
        }

        if (typeof(T) == typeof(long) || typeof(T) == typeof(int) || typeof(T) == typeof(short) || typeof(T) == typeof(sbyte))
        {
            var (min, max) = typeof(T) == typeof(long) ? (long.MinValue, long.MaxValue)
                : typeof(T) == typeof(int) ? (int.MinValue, int.MaxValue)
                : typeof(T) == typeof(short) ? (short.MinValue, short.MaxValue)
                : (sbyte.MinValue, (long)sbyte.MaxValue);
            var status = ReadSigned(ref reader, min, max, out var signed);
            if (typeof(T) == typeof(long))
            {
                Unsafe.As<T, long>(ref value) = signed;
            }
            else if (typeof(T) == typeof(int))
            {
                Unsafe.As<T, int>(ref value) = (int)signed;
            }
            else if (typeof(T) == typeof(short))
            {
                Unsafe.As<T, short>(ref value) = (short)signed;
            }
            else
            {
                Unsafe.As<T, sbyte>(ref value) = (sbyte)signed;
            }

            return status;
        }

        throw new NotSupportedException($"{typeof(T).Name} is not an element type the codecs read.");
    }

    private static ElementStatus ReadSingle(ref Utf8JsonReader reader, out float value)
    {
        if (reader.TokenType == JsonTokenType.Number)
        {
            // Both parsers round values beyond float's range to infinity rather than failing.
            var parsed = (!reader.HasValueSequence && FastSingleParser.TryParse(reader.ValueSpan, out value)) || reader.TryGetSingle(out value);
            return parsed && float.IsFinite(value) ? ElementStatus.Ok : ElementStatus.OutOfRange;
        }

        var status = ReadNonFinite(ref reader, out var special);
        value = (float)special;
        return status;
    }

    private static ElementStatus ReadDouble(ref Utf8JsonReader reader, out double value)
    {
        if (reader.TokenType == JsonTokenType.Number)
        {
            return reader.TryGetDouble(out value) && double.IsFinite(value) ? ElementStatus.Ok : ElementStatus.OutOfRange;
        }

        return ReadNonFinite(ref reader, out value);
    }

    private static ElementStatus ReadHalf(ref Utf8JsonReader reader, out Half value)
    {
        if (reader.TokenType == JsonTokenType.Number)
        {
            // Parsed as a half directly: going through double and then rounding again could pick the wrong neighbour.
            ReadOnlySpan<byte> text = reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan;
            return Half.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && Half.IsFinite(value)
                ? ElementStatus.Ok : ElementStatus.OutOfRange;
        }

        var status = ReadNonFinite(ref reader, out var special);
        value = (Half)special;
        return status;
    }

    /// <summary>NaN, Infinity and -Infinity as strings: quoted by the client, or by <see cref="NonFiniteTokens"/>.</summary>
    private static ElementStatus ReadNonFinite(ref Utf8JsonReader reader, out double value)
    {
        value = 0;
        if (reader.TokenType != JsonTokenType.String)
        {
            return ElementStatus.WrongKind;
        }

        if (reader.ValueTextEquals("NaN"u8))
        {
            value = double.NaN;
        }
        else if (reader.ValueTextEquals("Infinity"u8))
        {
            value = double.PositiveInfinity;
        }
        else if (reader.ValueTextEquals("-Infinity"u8))
        {
            value = double.NegativeInfinity;
        }
        else
        {
            return ElementStatus.WrongKind;
        }

        return ElementStatus.Ok;
    }

    private static ElementStatus ReadBool(ref Utf8JsonReader reader, out bool value)
    {
        value = reader.TokenType == JsonTokenType.True;
        return reader.TokenType is JsonTokenType.True or JsonTokenType.False ? ElementStatus.Ok : ElementStatus.WrongKind;
    }

    private static ElementStatus ReadSigned(ref Utf8JsonReader reader, long min, long max, out long value)
    {
        if (reader.TokenType != JsonTokenType.Number)
        {
            value = 0;
            return ElementStatus.WrongKind;
        }

        if (reader.TryGetInt64(out value))
        {
            return value >= min && value <= max ? ElementStatus.Ok : ElementStatus.OutOfRange;
        }

        var status = ReadWholeDouble(ref reader, min, max == long.MaxValue ? TwoTo63 : max + 1d, out var whole);
        value = status == ElementStatus.Ok ? (long)whole : 0;
        return status;
    }

    private static ElementStatus ReadUnsigned(ref Utf8JsonReader reader, ulong max, out ulong value)
    {
        if (reader.TokenType != JsonTokenType.Number)
        {
            value = 0;
            return ElementStatus.WrongKind;
        }

        if (reader.TryGetUInt64(out value))
        {
            return value <= max ? ElementStatus.Ok : ElementStatus.OutOfRange;
        }

        var status = ReadWholeDouble(ref reader, 0, max == ulong.MaxValue ? TwoTo64 : max + 1d, out var whole);
        value = status == ElementStatus.Ok ? (ulong)whole : 0;
        return status;
    }

    /// <summary>A number that is not a plain integer in range: negative for unsigned, too big, or written as 2.0 / 1e3.</summary>
    private static ElementStatus ReadWholeDouble(ref Utf8JsonReader reader, double min, double endExclusive, out double value)
    {
        if (!reader.TryGetDouble(out value) || !double.IsFinite(value))
        {
            return ElementStatus.OutOfRange;
        }

        if (value != Math.Floor(value))
        {
            return ElementStatus.NotWholeNumber;
        }

        return value >= min && value < endExclusive ? ElementStatus.Ok : ElementStatus.OutOfRange;
    }
}
