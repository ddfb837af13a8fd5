using System.Globalization;
using System.Text;
using Cloud.Functions.Serving.Protocols.Tensors;

namespace Cloud.Functions.Tests.Serving.Protocols;

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
            Assert.Equal(BitConverter.SingleToInt32Bits(float.Parse(text, CultureInfo.InvariantCulture)), BitConverter.SingleToInt32Bits(value));
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
                    var expected = float.Parse(text, CultureInfo.InvariantCulture);
                    Assert.True(BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(value), $"{text}: fast {value:R}, general {expected:R}");
                }
            }
        }

        Assert.True(taken > total * 0.6, $"Only {taken} of {total} took the fast path.");
    }
}
