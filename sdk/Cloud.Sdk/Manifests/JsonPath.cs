using System.Globalization;
using System.Text;

namespace Cloud.Sdk.Manifests;

/// <summary>
/// Paths of manifest values for error messages: <c>$.validation.thresholds</c>, <c>$.classNames[2]</c>, and
/// bracket notation (<c>$.tags['team-name']</c>) for names that are not identifiers, following RFC 9535.
/// </summary>
internal static class JsonPath
{
    public const string Root = "$";

    public static string Property(string parent, string name) =>
        IsShorthand(name) ? $"{parent}.{name}" : $"{parent}['{EscapeName(name)}']";

    public static string Index(string parent, int index) => string.Create(CultureInfo.InvariantCulture, $"{parent}[{index}]");

    // RFC 9535 §2.5.1.1 member-name-shorthand, limited to ASCII: a letter or '_' first, then letters, digits, '_'.
    private static bool IsShorthand(string name)
    {
        if (name.Length == 0 || !(char.IsAsciiLetter(name[0]) || name[0] == '_'))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '_')
            {
                return false;
            }
        }

        return true;
    }

    private static string EscapeName(string name)
    {
        var builder = new StringBuilder(name.Length + 2);
        foreach (var c in name)
        {
            builder.Append(c switch
            {
                '\'' => "\\'",
                '\\' => "\\\\",
                _ when char.IsControl(c) => string.Create(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}"),
                _ => c.ToString(),
            });
        }

        return builder.ToString();
    }
}
