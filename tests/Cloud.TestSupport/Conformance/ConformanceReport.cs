using System.Globalization;
using System.Text;

using Cloud.Serving.Models;
using Cloud.Serving.Tensors;
using Microsoft.ML.OnnxRuntime;

namespace Cloud.TestSupport.Conformance;

/// <summary>The suite's results as text: counts per folder, then one line per case that did not pass.</summary>
internal sealed class ConformanceReport(IReadOnlyList<CaseResult> results, TimeSpan elapsed, int parallelism)
{
    private static readonly CompositeFormat Row = CompositeFormat.Parse("{0,-20} {1,6} {2,7} {3,7} {4,18} {5,22}");

    public int Count(CaseOutcome outcome) => results.Count(r => r.Outcome == outcome);

    /// <summary>Failed cases that <see cref="KnownFailures"/> does not list.</summary>
    public IReadOnlyList<CaseResult> UnexpectedFailures =>
        results.Where(r => r.Outcome == CaseOutcome.Failed && !KnownFailures.Entries.ContainsKey(r.Case.Id)).ToList();

    /// <summary>
    /// Known failures that were not run or did not fail: the list has rotted. An entry that may pass by chance
    /// only has to run and reach a comparison (pass or fail), not end up unsupported or missing.
    /// </summary>
    public IReadOnlyList<string> StaleKnownFailures =>
        KnownFailures.Entries
            .Where(entry => !results.Any(r => r.Case.Id == entry.Key
                && (r.Outcome == CaseOutcome.Failed || (entry.Value.MayPassByChance && r.Outcome == CaseOutcome.Passed))))
            .Select(entry => $"{entry.Key}: {Describe(entry.Key)}")
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>Tolerance overrides for cases that were not run: the table has rotted.</summary>
    public IReadOnlyList<string> StaleToleranceOverrides =>
        ToleranceOverrides.All.Keys.Where(id => !results.Any(r => r.Case.Id == id)).Order(StringComparer.Ordinal).ToList();

    public override string ToString()
    {
        var text = new StringBuilder();
        var culture = CultureInfo.InvariantCulture;
        text.AppendLine(culture, $"ONNX backend conformance of Microsoft.ML.OnnxRuntime {Microsoft.ML.OnnxRuntime.OrtEnv.Instance().GetVersionString()} (through SessionRunner) against {BackendTestData.Root}");
        text.AppendLine(culture, $"{results.Count} cases in {elapsed.TotalSeconds:F1} s, {parallelism} at a time");
        text.AppendLine();
        text.AppendLine(string.Format(culture, Row, "folder", "total", "passed", "failed", "unsupported by ORT", "unsupported by serving"));
        foreach (var folder in results.Select(r => r.Case.Folder).Distinct())
        {
            AppendCounts(text, folder, results.Where(r => r.Case.Folder == folder).ToList());
        }

        AppendCounts(text, "all", results);

        AppendSection(text, "Failed, not in KnownFailures", UnexpectedFailures.Select(r => $"{r.Case.Id}: {r.Reason}"));
        AppendSection(text, "Known failures that no longer fail; remove them from KnownFailures", StaleKnownFailures);
        AppendSection(text, "Tolerance overrides for cases that were not run; remove them from ToleranceOverrides", StaleToleranceOverrides);
        AppendSection(text, "Failed, known", results
            .Where(r => r.Outcome == CaseOutcome.Failed && KnownFailures.Entries.ContainsKey(r.Case.Id))
            .Select(r => $"{r.Case.Id}: {r.Reason}\n    why: {KnownFailures.Entries[r.Case.Id].Reason}"));
        AppendSection(text, "Known failures that passed by chance this run (random output, no seed)", results
            .Where(r => r.Outcome == CaseOutcome.Passed && KnownFailures.Entries.TryGetValue(r.Case.Id, out var known) && known.MayPassByChance)
            .Select(r => r.Case.Id));
        AppendSection(text, "Unsupported by ORT", Lines(CaseOutcome.UnsupportedByOrt));
        AppendSection(text, "Unsupported by serving", Lines(CaseOutcome.UnsupportedByServing));
        AppendSection(text, "Per-case tolerances", ToleranceOverrides.All.Select(o => $"{o.Key}: {o.Value.Tolerance}: {o.Value.Reason}"));
        AppendSection(text, "Slowest cases", results.OrderByDescending(r => r.Elapsed).Take(5)
            .Select(r => string.Create(culture, $"{r.Case.Id}: {r.Elapsed.TotalMilliseconds:F0} ms")));
        return text.ToString();
    }

    private string Describe(string caseId) =>
        results.FirstOrDefault(r => r.Case.Id == caseId) is { } result
            ? (result.Outcome == CaseOutcome.Passed ? "passed" : $"{result.Outcome}: {result.Reason}")
            : "not run (no such case)";

    private IEnumerable<string> Lines(CaseOutcome outcome) =>
        results.Where(r => r.Outcome == outcome).Select(r => $"{r.Case.Id}: {r.Reason}");

    private static void AppendCounts(StringBuilder text, string folder, IReadOnlyList<CaseResult> rows)
    {
        int Count(CaseOutcome outcome) => rows.Count(r => r.Outcome == outcome);
        text.AppendLine(string.Format(CultureInfo.InvariantCulture, Row, folder, rows.Count, Count(CaseOutcome.Passed),
            Count(CaseOutcome.Failed), Count(CaseOutcome.UnsupportedByOrt), Count(CaseOutcome.UnsupportedByServing)));
    }

    /// <summary>A titled, counted list of lines; nothing when empty. Both conformance reports write their sections with it.</summary>
    internal static void AppendSection(StringBuilder text, string title, IEnumerable<string> lines)
    {
        var list = lines.ToList();
        if (list.Count == 0)
        {
            return;
        }

        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"{title} ({list.Count}):");
        foreach (var line in list)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {line}");
        }
    }
}
