using System.Globalization;
using System.Text;
using Cloud.Serving.Protocols.Tensors;

namespace Cloud.Serving.Tests.Protocols;

/// <summary>
/// The float fast path against the BCL's correctly rounded parser as the oracle: whenever the fast path answers,
/// its float must be bit for bit the one float.Parse gives; and it must answer for the text clients usually send.
/// </summary>
public sealed class FastSingleParserTests
{
    [Theory]
    [InlineData("0")]
    [InlineData("-0")]
    [InlineData("0.1")]
    [InlineData("-2.75")]
    [InlineData("3.1415927")]
    [InlineData("0.14285715")]
    [InlineData("0.14285714924335480")]
    [InlineData("1e-3")]
    [InlineData("6.02E+23")]
    [InlineData("1234567890123456789")]
    [InlineData("0.00000000000000012345")]
    [InlineData("340282346638528859811704183484516925440")]
    public void CommonTextTakesTheFastPathAndMatchesTheGeneralParser(string text)
    {
        var fast = FastSingleParser.TryParse(Encoding.ASCII.GetBytes(text), out var value);

        if (text.Length < 30)
        {
            Assert.True(fast, $"{text} missed the fast path.");
        }

        if (fast)
        {
            AssertSameFloat(float.Parse(text, CultureInfo.InvariantCulture), value, text);
        }
    }

    [Theory]
    [InlineData("16777217")] // 2^24 + 1: exactly half-way between two floats, a tie the general parser breaks to even.
    [InlineData("18446744073709551616")] // 2^64: twenty digits.
    [InlineData("1e23")]
    [InlineData("1e-23")]
    [InlineData("0.10000000000000000000001")]
    public void AmbiguousOrLongTextIsLeftToTheGeneralParser(string text) =>
        Assert.False(FastSingleParser.TryParse(Encoding.ASCII.GetBytes(text), out _));

    [Fact]
    public void RandomFloatsInEveryCommonSpellingMatchTheGeneralParser()
    {
        var random = new Random(20240611);
        var taken = 0;
        var total = 0;
        for (var n = 0; n < 200_000; n++)
        {
            var f = BitConverter.Int32BitsToSingle(random.Next(0x0080_0000, 0x7F00_0000)) * (random.Next(2) == 0 ? 1 : -1);
            var d = (random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-12, 12));
            foreach (var text in new[]
            {
                f.ToString("R", CultureInfo.InvariantCulture),
                f.ToString("G6", CultureInfo.InvariantCulture),
                ((double)f).ToString("R", CultureInfo.InvariantCulture),
                d.ToString("R", CultureInfo.InvariantCulture),
                d.ToString("F4", CultureInfo.InvariantCulture),
                // Just beside a float midpoint: the cases where double rounding would go wrong.
                (((double)f) + (Math.BitIncrement(f) - (double)f) / 2 * (1 + ((random.NextDouble() - 0.5) * 1e-9))).ToString("G17", CultureInfo.InvariantCulture),
            })
            {
                total++;
                if (FastSingleParser.TryParse(Encoding.ASCII.GetBytes(text), out var value))
                {
                    taken++;
                    AssertSameFloat(float.Parse(text, CultureInfo.InvariantCulture), value, text);
                }
            }
        }

        Assert.True(taken > total * 0.6, $"Only {taken} of {total} took the fast path.");
    }

    /// <summary>
    /// Inside a body, as the request reader calls it: every run length from 1 to 20 digits, split any way between
    /// integer and fraction, followed by each byte JSON can put after a number (and by others), must read exactly as
    /// the general parser reads it and stop at the same place.
    /// </summary>
    [Fact]
    public void NumbersInsideLongerTextMatchTheGeneralParserAndEndWhereTheyEnd()
    {
        var random = new Random(20261207);
        string[] followers = [", 1.5, 2.25]", "]}", " ", "\n", "e", "E-2, 0]", "x", "/", ":", "\u0080"];
        var checkedCount = 0;
        for (var n = 0; n < 100_000; n++)
        {
            var length = random.Next(1, 21);
            var digits = new char[length];
            for (var d = 0; d < length; d++)
            {
                // Zeros often, so runs of leading zeros in fractions (0.000123) and inside numbers are common.
                digits[d] = random.Next(3) == 0 ? '0' : (char)('0' + random.Next(10));
            }

            var integerLength = random.Next(0, length + 1);
            var integer = new string(digits, 0, integerLength).TrimStart('0');
            var fraction = new string(digits, integerLength, length - integerLength);
            var number = (random.Next(2) == 0 ? "-" : "") + (integer.Length == 0 ? "0" : integer) + (fraction.Length > 0 ? "." + fraction : "");
            var follower = followers[random.Next(followers.Length)];
            var text = Encoding.UTF8.GetBytes("[" + number + follower);
            var at = 1;
            if (!FastSingleParser.TryRead(text, ref at, out var value))
            {
                continue;
            }

            // An 'e' that is not followed by an exponent makes the text invalid, which the parser refuses.
            var expected = follower.StartsWith("E-2", StringComparison.Ordinal) ? number + "E-2" : number;
            Assert.Equal(1 + Encoding.UTF8.GetByteCount(expected), at);
            AssertSameFloat(float.Parse(expected, CultureInfo.InvariantCulture), value, $"{expected} followed by {follower}");
            checkedCount++;
        }

        Assert.True(checkedCount > 50_000, $"Only {checkedCount} numbers took the fast path.");
    }

    [Theory]
    [InlineData("[0.00000000000000000000001234, 1]")] // 22 leading zeros in the fraction, then 4 significant digits: 1.234e-23 is outside the exact powers.
    [InlineData("[12345678901234567890, 1]")] // Twenty significant digits: more than the 19 the exact path holds.
    [InlineData("[0.12345678901234567890, 1]")]
    public void LongRunsInsideTextAreLeftToTheGeneralParser(string text)
    {
        var at = 1;
        Assert.False(FastSingleParser.TryRead(Encoding.ASCII.GetBytes(text), ref at, out _));
    }

    [Theory]
    [InlineData("[0.000000000000000001234, 1]", 1.234e-18f)] // Seventeen leading zeros in the fraction do not count as digits.
    [InlineData("[1234567812345678, 1]", 1234567812345678f)]
    [InlineData("[-98765432.123, 1]", -98765432.123f)]
    public void LongDigitRunsInsideTextReadExactly(string text, float expected)
    {
        var at = 1;
        Assert.True(FastSingleParser.TryRead(Encoding.ASCII.GetBytes(text), ref at, out var value));
        AssertSameFloat(expected, value, text);
        Assert.Equal(text.IndexOf(',', StringComparison.Ordinal), at);
    }

    /// <summary>Bit for bit, so -0 and 0 differ and a one-ulp miss fails with both spellings printed.</summary>
    private static void AssertSameFloat(float expected, float actual, string text) =>
        Assert.True(
            BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(actual),
            $"{text}: fast {actual:R}, general {expected:R}");
}
