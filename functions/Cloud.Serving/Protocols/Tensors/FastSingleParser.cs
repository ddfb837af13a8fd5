using System.Runtime.CompilerServices;

namespace Cloud.Serving.Protocols.Tensors;

/// <summary>
/// Parses the decimals clients send for float32 inputs several times faster than the general parser, and exactly.
/// Up to 19 significant digits m and a decimal exponent e within ±22 give d = m·10^e in double arithmetic with a
/// relative error under 2^-52 (m rounds once, 10^|e| is exact, the product or quotient rounds once): within two
/// units in the last place of a double. A double that far or farther from a float rounding midpoint (half-way
/// between two floats) rounds to the same float as the exact value, so <c>(float)d</c> is the correctly rounded
/// result; a double closer than that is ambiguous and, like longer digit strings and bigger exponents, goes to
/// the general parser. This covers what clients send: short literals (0.1), float32 printed shortest
/// (0.14285715) and float64 printed shortest (0.14285714924335480, what Python and numpy write).
/// </summary>
internal static class FastSingleParser
{
    private const int MaxDigits = 19;
    private const int MaxExactPower = 22;

    // A double's 52 fraction bits hold the float's 23 and 29 more; a float midpoint has exactly the top one of those 29 set.
    private const long BelowFloatMask = (1L << 29) - 1;
    private const long Midpoint = 1L << 28;
    private const long Margin = 8;

    // A static array rather than a ReadOnlySpan<double> property over a literal: in Debug builds that form allocates
    // on every access (72 bytes; Release does not), which would hide real regressions from the allocation tests.
    private static readonly double[] PowersOf10 =
    [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ];

    /// <summary>Parses a JSON number token (its grammar already checked by the reader) when the result is certain.</summary>
    public static bool TryParse(ReadOnlySpan<byte> number, out float value)
    {
        var at = 0;
        return TryRead(number, ref at, out value) && at == number.Length;
    }

    /// <summary>
    /// Reads the JSON number that starts at <paramref name="at"/> in one pass, checking its grammar while collecting
    /// its digits, and gives the float when the result is certain. False when the bytes there are not a JSON number
    /// or the number needs the general parser. Beyond float's range the result is infinity, as the general parser's.
    /// </summary>
    /// <param name="at">Where the number starts; on success, just past it.</param>
    public static bool TryRead(ReadOnlySpan<byte> json, ref int at, out float value)
    {
        value = 0;
        var i = at;
        var negative = i < json.Length && json[i] == (byte)'-';
        if (negative)
        {
            i++;
        }

        // Integer part: 0, or a non-zero digit and more digits (JSON has no leading zeros).
        if (i >= json.Length || !IsDigit(json[i]))
        {
            return false;
        }

        ulong mantissa = 0;
        var digits = 0;
        var exponent = 0;
        if (json[i] == (byte)'0')
        {
            i++;
        }
        else
        {
            for (; i < json.Length && IsDigit(json[i]); i++)
            {
                mantissa = (mantissa * 10) + (uint)(json[i] - '0');
                digits++;
            }
        }

        if (i < json.Length && json[i] == (byte)'.')
        {
            if (++i >= json.Length || !IsDigit(json[i]))
            {
                return false;
            }

            for (; i < json.Length && IsDigit(json[i]); i++)
            {
                var digit = (uint)(json[i] - '0');
                mantissa = (mantissa * 10) + digit;
                digits += digit != 0 || digits != 0 ? 1 : 0;
                exponent--;
            }
        }

        if (i < json.Length && (json[i] | 0x20) == (byte)'e')
        {
            var negativeExponent = ++i < json.Length && json[i] == (byte)'-';
            if (i < json.Length && json[i] is (byte)'+' or (byte)'-')
            {
                i++;
            }

            if (i >= json.Length || !IsDigit(json[i]))
            {
                return false;
            }

            var written = 0;
            for (; i < json.Length && IsDigit(json[i]); i++)
            {
                written = (written * 10) + (json[i] - '0');
                if (written > 1000)
                {
                    return false; // far outside float's range, or a zero with an absurd exponent: the general parser's
                }
            }

            exponent += negativeExponent ? -written : written;
        }

        at = i;
        return TryCompose(negative, mantissa, digits, exponent, out value);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsDigit(byte b) => (uint)(b - '0') <= 9;

    /// <summary>
    /// ±<paramref name="mantissa"/>·10^<paramref name="exponent"/> as a float when the result is certain (see the
    /// class remarks).
    /// </summary>
    /// <param name="digits">Significant digits in the mantissa, counted from the first non-zero one.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TryCompose(bool negative, ulong mantissa, int digits, int exponent, out float value)
    {
        value = 0;

        // Digits count from the first non-zero one, so a mantissa that wrapped past 2^64 always shows as too many.
        if (digits > MaxDigits)
        {
            return false;
        }

        if (mantissa == 0)
        {
            value = negative ? -0f : 0f;
            return true;
        }

        if (exponent is < -MaxExactPower or > MaxExactPower)
        {
            return false;
        }

        var scaled = exponent < 0 ? mantissa / PowersOf10[-exponent] : mantissa * PowersOf10[exponent];
        if (Math.Abs((BitConverter.DoubleToInt64Bits(scaled) & BelowFloatMask) - Midpoint) <= Margin)
        {
            return false;
        }

        value = negative ? -(float)scaled : (float)scaled;
        return true;
    }
}
