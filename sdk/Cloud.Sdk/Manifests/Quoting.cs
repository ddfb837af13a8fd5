using System.Globalization;
using System.Text;

namespace Cloud.Sdk.Manifests;

/// <summary>
/// Puts text from a manifest into an error message. Messages end up in logs and on version rows, so a value is
/// shortened when long and its control and format characters are escaped: a manifest (or a name in a URL) cannot
/// forge log lines or hide what is wrong with it behind an invisible or reordering character.
/// </summary>
internal static class Quoting
{
    private const int MaxQuotedLength = 64;

    /// <summary>The text in single quotes, control characters escaped as \n, \t or \uXXXX, shortened with '…'.</summary>
    public static string Quote(string text) => $"'{Escape(text)}'";

    /// <summary>The text with control characters escaped and shortened with '…' after <paramref name="maxLength"/> characters, without quotes.</summary>
    public static string Escape(string text, int maxLength = MaxQuotedLength)
    {
        var builder = new StringBuilder(Math.Min(text.Length, maxLength) + 8);
        var count = 0;

        // By rune, so a character outside the BMP is neither split nor escaped, and a lone surrogate shows as U+FFFD.
        foreach (var rune in text.EnumerateRunes())
        {
            if (count++ == maxLength)
            {
                builder.Append('…');
                break;
            }

            builder.Append(Show(rune));
        }

        return builder.ToString();
    }

    /// <summary>One character as it should appear in a message.</summary>
    public static string Char(char c) => Show(Rune.IsValid(c) ? new Rune(c) : Rune.ReplacementChar);

    private static string Show(Rune rune) => rune.Value switch
    {
        '\n' => "\\n",
        '\r' => "\\r",
        '\t' => "\\t",
        // Format characters too (bidi overrides, zero-width joiners, the BOM): invisible or reordering, they could make
        // a quoted name read as something else.
        _ when Rune.IsControl(rune) || rune.Value is 0x2028 or 0x2029 || Rune.GetUnicodeCategory(rune) == UnicodeCategory.Format
            => string.Create(CultureInfo.InvariantCulture, $"\\u{rune.Value:x4}"),
        _ => rune.ToString(),
    };

    /// <summary>"a, b and c" (or "a or b" with <paramref name="conjunction"/> "or"), each item quoted.</summary>
    public static string List(IEnumerable<string> items, string conjunction = "and")
    {
        var quoted = items.Select(Quote).ToList();
        return quoted.Count switch
        {
            0 => "",
            1 => quoted[0],
            _ => $"{string.Join(", ", quoted.Take(quoted.Count - 1))} {conjunction} {quoted[^1]}",
        };
    }
}
