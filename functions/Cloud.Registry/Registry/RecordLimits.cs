using System.Globalization;

namespace Cloud.Registry;

/// <summary>
/// What one version's record may hold, so that its row fits a table row on every store (Azure's limits, which
/// <see cref="Cloud.Storage.Tables.TableLimits"/> applies to all of them): 32,768 characters a property, 1 MiB a row.
/// Text given by a person is refused above its limit, naming it; text the registry writes itself (registration's
/// reasons) is shortened; content too large to keep (a model's signature, a manifest's lineage) makes registration
/// fail with the numbers. The bounds add up to about 830 KiB, so any mix of them fits one row.
/// </summary>
internal static class RecordLimits
{
    /// <summary>A reason a person gives (retiring a version), in characters: refused above this.</summary>
    public const int MaxReasonLength = 1_024;

    /// <summary>A reason the registry writes (a manifest's problems, ONNX Runtime's error), in characters: shortened to this.</summary>
    public const int MaxRecordedReasonLength = 8_192;

    /// <summary>How many refusals a version keeps (the most recent).</summary>
    public const int MaxRefusalsKept = 20;

    /// <summary>One refusal kept on a version, in characters: shortened to this.</summary>
    public const int MaxRefusalLength = 1_024;

    /// <summary>A model's signature as recorded (JSON), in characters: a model with more to record fails registration.</summary>
    public const int MaxSignatureLength = 256 * 1024;

    /// <summary>A manifest's lineage as recorded (JSON), in characters: a manifest with more fails registration.</summary>
    public const int MaxLineageLength = 128 * 1024;

    /// <summary>The validation results kept on a version (JSON), in characters.</summary>
    public const int MaxMetricsLength = 64 * 1024;

    /// <summary>Null when a person's reason fits, else the refusal naming the limit.</summary>
    public static string? ReasonProblem(string reason) => reason.Length > MaxReasonLength
        ? string.Create(CultureInfo.InvariantCulture, $"The reason is {reason.Length:N0} characters long; the limit is {MaxReasonLength:N0}.")
        : null;

    /// <summary>Null when <paramref name="text"/> (what <paramref name="what"/> names) fits <paramref name="maxLength"/>, else why not.</summary>
    public static string? LengthProblem(string what, string? text, int maxLength) => text?.Length > maxLength
        ? string.Create(CultureInfo.InvariantCulture, $"{what} takes {text.Length:N0} characters to record; a version records at most {maxLength:N0}.")
        : null;

    /// <summary>
    /// <paramref name="text"/> cut to at most <paramref name="maxLength"/> characters, at a line break when it has lines (a
    /// manifest's problems are one a line), and saying how much was left out.
    /// </summary>
    public static string Shorten(string text, int maxLength)
    {
        if (text.Length <= maxLength)
        {
            return text;
        }

        // Room for the note; a line break in the kept part is a better place to cut than the middle of a sentence.
        var kept = text[..(maxLength - 80)];
        var lastLine = kept.LastIndexOf('\n');
        kept = lastLine > 0 ? kept[..lastLine] : kept;
        var omitted = text[kept.Length..];
        var lines = omitted.Count(c => c == '\n');
        return lines > 0
            ? string.Create(CultureInfo.InvariantCulture, $"{kept}\n… and {lines:N0} more lines ({omitted.Length:N0} characters) not recorded.")
            : string.Create(CultureInfo.InvariantCulture, $"{kept}… ({omitted.Length:N0} more characters not recorded)");
    }
}
