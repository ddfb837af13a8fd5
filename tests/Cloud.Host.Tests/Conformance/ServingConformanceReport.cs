using System.Globalization;
using System.Text;
using Cloud.TestSupport.Conformance;

namespace Cloud.Host.Tests.Conformance;

/// <summary>
/// The HTTP suite's results as text: counts per folder and class beside the binding-level counts, the ratchet, the
/// 5xx answers, the failure categories, then one line per case that did not pass.
/// </summary>
internal sealed class ServingConformanceReport(IReadOnlyList<ServingCaseResult> results, IReadOnlySet<string> expectedToPass, TimeSpan elapsed, int parallelism)
{
    private static readonly CompositeFormat Row = CompositeFormat.Parse("{0,-20} {1,6} {2,7} {3,7} {4,18} {5,18} {6,16}");

    public int Count(ServingOutcome outcome) => results.Count(r => r.Outcome == outcome);

    public int BindingCount(CaseOutcome outcome) => results.Count(r => r.Binding.Outcome == outcome);

    /// <summary>Cases in the expected-to-pass list that did not pass (or were not run): regressions.</summary>
    public IReadOnlyList<string> Regressions =>
        expectedToPass.Order(StringComparer.Ordinal)
            .Where(id => !results.Any(r => r.Case.Id == id && r.Outcome == ServingOutcome.Passed))
            .Select(id => results.FirstOrDefault(r => r.Case.Id == id) is { } r ? $"{id}: {r.Outcome}: {r.Reason}" : $"{id}: not run (no such case)")
            .ToList();

    /// <summary>
    /// Cases that pass and belong in the list: not listed yet, and not a known binding-level failure (an unseeded
    /// random output passes now and then by chance and would make the ratchet flaky).
    /// </summary>
    public IReadOnlyList<string> NewPasses =>
        results.Where(r => r.Outcome == ServingOutcome.Passed && !expectedToPass.Contains(r.Case.Id) && !KnownFailures.Entries.ContainsKey(r.Case.Id))
            .Select(r => r.Case.Id).Order(StringComparer.Ordinal).ToList();

    /// <summary>Every case that passes, known failures aside: the expected-to-pass list as this run would write it.</summary>
    public IReadOnlyList<string> PassingList =>
        results.Where(r => r.Outcome == ServingOutcome.Passed && !KnownFailures.Entries.ContainsKey(r.Case.Id))
            .Select(r => r.Case.Id).Order(StringComparer.Ordinal).ToList();

    /// <summary>5xx answers of cases that <see cref="KnownServerErrors"/> does not list.</summary>
    public IReadOnlyList<string> UnexpectedServerErrors =>
        results.Where(r => r.ServerErrors.Count > 0 && !KnownServerErrors.Entries.ContainsKey(r.Case.Id))
            .SelectMany(r => r.ServerErrors.Select(e => $"{r.Case.Id}: {e}")).ToList();

    public override string ToString()
    {
        var text = new StringBuilder();
        var culture = CultureInfo.InvariantCulture;
        text.AppendLine(culture, $"Serving conformance: ONNX backend cases uploaded through the management API and called through POST /v2/models/{{m}}/infer, against {BackendTestData.Root}");
        text.AppendLine(culture, $"{results.Count} cases in {elapsed.TotalSeconds:F1} s, {parallelism} at a time");
        text.AppendLine();
        text.AppendLine(culture, $"End to end (OIP v2 over HTTP): {Count(ServingOutcome.Passed)} of {results.Count} pass; binding level (SessionRunner, no HTTP): {BindingCount(CaseOutcome.Passed)} of {results.Count} pass.");
        text.AppendLine(culture, $"Passing at the binding level but not end to end: {results.Count(r => r.Binding.Outcome == CaseOutcome.Passed && r.Outcome != ServingOutcome.Passed)}.");
        text.AppendLine(culture, $"Expected to pass (serving-passing.txt): {expectedToPass.Count} listed, {expectedToPass.Count - Regressions.Count} still pass; {NewPasses.Count} more pass than the list names.");
        text.AppendLine(culture, $"5xx answers: {results.Sum(r => r.ServerErrors.Count)} (in {results.Count(r => r.ServerErrors.Count > 0)} cases; {KnownServerErrors.Entries.Count} cases known).");
        text.AppendLine();
        text.AppendLine(string.Format(culture, Row, "folder", "total", "passed", "failed", "not representable", "unsupported by ORT", "binding passed"));
        foreach (var folder in results.Select(r => r.Case.Folder).Distinct())
        {
            AppendCounts(text, folder, results.Where(r => r.Case.Folder == folder).ToList());
        }

        AppendCounts(text, "all", results);

        ConformanceReport.AppendSection(text, "5xx answers not in KnownServerErrors", UnexpectedServerErrors);
        ConformanceReport.AppendSection(text, "Known 5xx that no longer happen; remove them from KnownServerErrors",
            KnownServerErrors.Entries.Keys.Where(id => !results.Any(r => r.Case.Id == id && r.ServerErrors.Count > 0)).Order(StringComparer.Ordinal));
        ConformanceReport.AppendSection(text, "Expected to pass, did not (regressions)", Regressions);
        ConformanceReport.AppendSection(text, "Failure categories (cases)", results.Where(r => r.Outcome == ServingOutcome.Failed)
            .GroupBy(r => FailureCategory.Of(r.Reason)).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => string.Create(culture, $"{g.Count(),4}  {g.Key}  (e.g. {g.First().Case.Id})")));
        ConformanceReport.AppendSection(text, "Failed end to end, passing at the binding level", Lines(r => r.Outcome == ServingOutcome.Failed && r.Binding.Outcome == CaseOutcome.Passed));
        ConformanceReport.AppendSection(text, "Failed end to end and at the binding level (KnownFailures)", Lines(r => r.Outcome == ServingOutcome.Failed && r.Binding.Outcome != CaseOutcome.Passed));
        ConformanceReport.AppendSection(text, "Not representable in the JSON protocols", Lines(r => r.Outcome == ServingOutcome.NotRepresentable));
        ConformanceReport.AppendSection(text, "Unsupported by ORT", Lines(r => r.Outcome == ServingOutcome.UnsupportedByOrt));
        ConformanceReport.AppendSection(text, "Passing, not yet in serving-passing.txt (add them)", NewPasses);
        ConformanceReport.AppendSection(text, "Slowest cases", results.OrderByDescending(r => r.Elapsed).Take(5)
            .Select(r => string.Create(culture, $"{r.Case.Id}: {r.Elapsed.TotalMilliseconds:F0} ms")));
        return text.ToString();
    }

    private IEnumerable<string> Lines(Func<ServingCaseResult, bool> which) =>
        results.Where(which).Select(r => $"{r.Case.Id}: {r.Reason}");

    private static void AppendCounts(StringBuilder text, string folder, IReadOnlyList<ServingCaseResult> rows)
    {
        int Count(ServingOutcome outcome) => rows.Count(r => r.Outcome == outcome);
        text.AppendLine(string.Format(CultureInfo.InvariantCulture, Row, folder, rows.Count, Count(ServingOutcome.Passed), Count(ServingOutcome.Failed),
            Count(ServingOutcome.NotRepresentable), Count(ServingOutcome.UnsupportedByOrt), rows.Count(r => r.Binding.Outcome == CaseOutcome.Passed)));
    }
}
