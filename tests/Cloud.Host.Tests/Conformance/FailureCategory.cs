using System.Text.RegularExpressions;

namespace Cloud.Host.Tests.Conformance;

/// <summary>
/// Groups failure reasons for the report's counts: the step and HTTP status with the first sentence of the host's
/// error, names and numbers blanked out (so "Inputs 'x' and 'y' have different numbers of rows" is one category);
/// for a wrong output, what differs (shape, element type or values).
/// </summary>
internal static partial class FailureCategory
{
    private const int MaxLength = 110;

    public static string Of(string reason)
    {
        var text = DataSetPrefix().Replace(reason, string.Empty);
        if (text.StartsWith("infer: ", StringComparison.Ordinal) || text.StartsWith("registration: ", StringComparison.Ordinal))
        {
            var sentence = ErrorMessage().Match(text) is { Success: true } m
                ? m.Groups["step"].Value + m.Groups["status"].Value + " " + Numbers().Replace(Quoted().Replace(m.Groups["message"].Value.Split(". ")[0], "'…'"), "N")
                : text;
            return sentence.Length > MaxLength ? sentence[..MaxLength] + "…" : sentence;
        }

        return text.Contains(": shape [", StringComparison.Ordinal) ? "output shape differs"
            : text.Contains(": element type ", StringComparison.Ordinal) ? "output element type differs"
            : text.Contains("elements differ", StringComparison.Ordinal) ? "output values differ"
            : text;
    }

    [GeneratedRegex(@"^test_data_set_\d+:? ")]
    private static partial Regex DataSetPrefix();

    [GeneratedRegex("""^(?<step>\w+: )(?<status>\d{3}) (\{"error":\s*")?(?<message>[^"]*)""")]
    private static partial Regex ErrorMessage();

    [GeneratedRegex("'[^']*'")]
    private static partial Regex Quoted();

    [GeneratedRegex(@"\d+")]
    private static partial Regex Numbers();
}
