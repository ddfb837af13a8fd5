using System.Globalization;

namespace Cloud.Sdk.Manifests;

/// <summary>
/// The one rule behind model names, labels and tag keys: a lowercase ASCII letter, then lowercase letters, digits
/// and '-' (and '_' where allowed), up to a length. Checked by hand rather than by regex because .NET's '$'
/// also matches before a final newline, so "iris\n" would pass a naive <c>^[a-z][a-z0-9-]*$</c>.
/// </summary>
internal static class LowercaseIdentifier
{
    /// <summary>Null when <paramref name="text"/> follows the rule, else why not, as a clause ("it contains 'I'").</summary>
    public static string? Problem(string? text, int maxLength, bool allowUnderscore = false)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "it is empty";
        }

        if (text.Length > maxLength)
        {
            return string.Create(CultureInfo.InvariantCulture, $"it is {text.Length} characters long and the limit is {maxLength}");
        }

        if (!char.IsAsciiLetterLower(text[0]))
        {
            return $"it starts with '{Quoting.Char(text[0])}'";
        }

        foreach (var c in text)
        {
            if (!char.IsAsciiLetterLower(c) && !char.IsAsciiDigit(c) && c != '-' && !(allowUnderscore && c == '_'))
            {
                return $"it contains '{Quoting.Char(c)}'";
            }
        }

        return null;
    }
}
