using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Cloud.Serving.Protocols;

/// <summary>
/// System.Text.Json's reader messages, made to speak to the person who wrote the body: the reader's position suffix
/// ("Path: $ | LineNumber: 0 | BytePositionInLine: 4.") is dropped because callers give the position once, 1-based,
/// and the reader's advice to the programmer who configured it ("Change the reader options", "configured depth") is
/// replaced by what the body breaks. Every JSON body the host reads (both protocols, the management API) says its
/// syntax errors through here.
/// </summary>
internal static partial class JsonSyntax
{
    /// <summary>The reader quotes the bad token, which a hostile body can make long; a message stays readable.</summary>
    private const int MaxDetailLength = 240;

    /// <summary>What is wrong with the body's JSON, without position or trailing '.', shortened when the reader quotes a lot.</summary>
    public static string Detail(JsonException error)
    {
        ArgumentNullException.ThrowIfNull(error);
        var detail = error.Message;
        var suffix = detail.IndexOf(" Path: ", StringComparison.Ordinal);
        suffix = suffix >= 0 ? suffix : detail.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (suffix >= 0)
        {
            detail = detail[..suffix];
        }

        detail = detail.TrimEnd('.');
        if (detail.Contains("trailing comma", StringComparison.Ordinal))
        {
            return detail.Contains("JSON array", StringComparison.Ordinal)
                ? "A list ends with ',', which JSON does not allow"
                : "An object ends with ',', which JSON does not allow";
        }

        if (Depth().Match(detail) is { Success: true } depth)
        {
            return string.Create(CultureInfo.InvariantCulture, $"Objects and lists are nested more than {depth.Groups[1].Value} levels deep");
        }

        if (detail.StartsWith("The input does not contain any JSON tokens", StringComparison.Ordinal))
        {
            return "There is no JSON value";
        }

        if (detail.StartsWith("Expected depth to be zero at the end of the JSON payload", StringComparison.Ordinal))
        {
            return "The JSON ends before every object and list in it is closed";
        }

        return detail.Length <= MaxDetailLength ? detail : detail[..MaxDetailLength] + "…";
    }

    [GeneratedRegex(@"^The maximum configured depth of (\d+) has been exceeded")]
    private static partial Regex Depth();
}
