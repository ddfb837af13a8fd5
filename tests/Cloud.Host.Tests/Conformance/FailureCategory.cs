using System.Text.RegularExpressions;

namespace Cloud.Host.Tests.Conformance;

/// <summary>
/// Groups failure reasons for the report's counts: the step and HTTP status with the first sentence of the host's
/// error, names and numbers blanked out (so "Inputs 'x' and 'y' have different numbers of rows" is one category);
/// for a wrong output, what differs (shape, element type or values); for a case a protocol cannot express, what
/// its JSON cannot carry.
/// </summary>
internal static partial class FailureCategory
{
    private const int MaxLength = 110;

    public static string Of(string reason)
    {
        var text = DataSetPrefix().Replace(reason, string.Empty);
        if (ErrorMessage().Match(text) is { Success: true } m)
        {
            var sentence = m.Groups["step"].Value + m.Groups["status"].Value + " " + Blank(m.Groups["message"].Value.Split(". ")[0]);
            return sentence.Length > MaxLength ? sentence[..MaxLength] + "…" : sentence;
        }

        return text.Contains(": shape [", StringComparison.Ordinal) ? "output shape differs"
            : text.Contains(": element type ", StringComparison.Ordinal) ? "output element type differs"
            : text.Contains("elements differ", StringComparison.Ordinal) ? "output values differ"
            : Blank(text);
    }

    /// <summary>What a protocol's JSON cannot carry, for the counts of cases it cannot express.</summary>
    public static string OfNotRepresentable(string reason) =>
        reason.Contains("bfloat16", StringComparison.Ordinal) ? "bfloat16 (no JSON datatype)"
        : reason.Contains("not a tensor", StringComparison.Ordinal) ? "a sequence or optional, not a tensor"
        : reason.Contains("zero-sized dimension", StringComparison.Ordinal) ? "a zero-sized dimension before the last (nested lists lose the later sizes)"
        : Blank(DataSetPrefix().Replace(reason, string.Empty));

    private static string Blank(string text) => Numbers().Replace(Quoted().Replace(text, "'…'"), "N");

    [GeneratedRegex(@"^test_data_set_\d+:? ")]
    private static partial Regex DataSetPrefix();

    [GeneratedRegex("""^(?<step>\w+: )(?<status>\d{3}) (\{"error":\s*")?(?<message>[^"]*)""")]
    private static partial Regex ErrorMessage();

    [GeneratedRegex("'[^']*'")]
    private static partial Regex Quoted();

    [GeneratedRegex(@"\d+")]
    private static partial Regex Numbers();
}
