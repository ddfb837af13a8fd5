using System.Globalization;
using System.Text;
using Cloud.TestSupport.Conformance;

namespace Cloud.Host.Tests.Conformance;

/// <summary>
/// One protocol's part of the serving suite's results: its counts, its ratchet (the expected-to-pass list), why
/// cases failed or could not be expressed in its JSON, and the lines of the cases that did not pass.
/// </summary>
internal sealed class ProtocolReport(ConformanceProtocol protocol, IReadOnlyList<ServingCaseResult> results, IReadOnlySet<string> expectedToPass)
{
    private static readonly CompositeFormat Row = CompositeFormat.Parse("{0,-20} {1,6} {2,7} {3,7} {4,18} {5,18} {6,16}");

    public ConformanceProtocol Protocol => protocol;

    public int Count(ServingOutcome outcome) => results.Count(r => protocol.Of(r).Outcome == outcome);

    /// <summary>Cases in the expected-to-pass list that did not pass (or were not run): regressions.</summary>
    public IReadOnlyList<string> Regressions =>
        expectedToPass.Order(StringComparer.Ordinal)
            .Where(id => !results.Any(r => r.Case.Id == id && protocol.Of(r).Outcome == ServingOutcome.Passed))
            .Select(id => results.FirstOrDefault(r => r.Case.Id == id) is { } r ? $"{id}: {protocol.Of(r).Outcome}: {protocol.Of(r).Reason}" : $"{id}: not run (no such case)")
            .ToList();

    /// <summary>
    /// Cases that pass and belong in the list: not listed yet, and not a known binding-level failure (an unseeded
    /// random output passes now and then by chance and would make the ratchet flaky).
    /// </summary>
    public IReadOnlyList<string> NewPasses => PassingList.Where(id => !expectedToPass.Contains(id)).ToList();

    /// <summary>Every case that passes, known failures aside: the expected-to-pass list as this run would write it.</summary>
    public IReadOnlyList<string> PassingList =>
        results.Where(r => protocol.Of(r).Outcome == ServingOutcome.Passed && !KnownFailures.Entries.ContainsKey(r.Case.Id))
            .Select(r => r.Case.Id).Order(StringComparer.Ordinal).ToList();

    public void AppendTo(StringBuilder text)
    {
        var culture = CultureInfo.InvariantCulture;
        text.AppendLine();
        text.AppendLine(culture, $"== {protocol.Name} ({protocol.Call}) ==");
        text.AppendLine(culture, $"{Count(ServingOutcome.Passed)} of {results.Count} pass end to end; passing at the binding level but not end to end: {results.Count(r => r.Binding.Outcome == CaseOutcome.Passed && protocol.Of(r).Outcome != ServingOutcome.Passed)}.");
        text.AppendLine(culture, $"Expected to pass ({protocol.PassingFile}): {expectedToPass.Count} listed, {expectedToPass.Count - Regressions.Count} still pass; {NewPasses.Count} more pass than the list names.");
        text.AppendLine();
        text.AppendLine(string.Format(culture, Row, "folder", "total", "passed", "failed", "not representable", "unsupported by ORT", "binding passed"));
        foreach (var folder in results.Select(r => r.Case.Folder).Distinct())
        {
            AppendCounts(text, folder, results.Where(r => r.Case.Folder == folder).ToList());
        }

        AppendCounts(text, "all", results);

        ConformanceReport.AppendSection(text, "Expected to pass, did not (regressions)", Regressions);
        ConformanceReport.AppendSection(text, "Failure categories (cases)", Categories(ServingOutcome.Failed, FailureCategory.Of));
        ConformanceReport.AppendSection(text, "Not representable in its JSON, by reason (cases)", Categories(ServingOutcome.NotRepresentable, FailureCategory.OfNotRepresentable));
        ConformanceReport.AppendSection(text, "Failed end to end, passing at the binding level", Lines(r => protocol.Of(r).Outcome == ServingOutcome.Failed && r.Binding.Outcome == CaseOutcome.Passed));
        ConformanceReport.AppendSection(text, "Failed end to end and at the binding level (KnownFailures)", Lines(r => protocol.Of(r).Outcome == ServingOutcome.Failed && r.Binding.Outcome != CaseOutcome.Passed));
        ConformanceReport.AppendSection(text, "Not representable in its JSON", Lines(r => protocol.Of(r).Outcome == ServingOutcome.NotRepresentable));
        ConformanceReport.AppendSection(text, $"Passing, not yet in {protocol.PassingFile} (add them)", NewPasses);
    }

    private IEnumerable<string> Categories(ServingOutcome outcome, Func<string, string> category) =>
        results.Where(r => protocol.Of(r).Outcome == outcome)
            .GroupBy(r => category(protocol.Of(r).Reason)).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Count(),4}  {g.Key}  (e.g. {g.First().Case.Id})"));

    private IEnumerable<string> Lines(Func<ServingCaseResult, bool> which) =>
        results.Where(which).Select(r => $"{r.Case.Id}: {protocol.Of(r).Reason}");

    private void AppendCounts(StringBuilder text, string folder, IReadOnlyList<ServingCaseResult> rows)
    {
        int Count(ServingOutcome outcome) => rows.Count(r => protocol.Of(r).Outcome == outcome);
        text.AppendLine(string.Format(CultureInfo.InvariantCulture, Row, folder, rows.Count, Count(ServingOutcome.Passed), Count(ServingOutcome.Failed),
            Count(ServingOutcome.NotRepresentable), Count(ServingOutcome.UnsupportedByOrt), rows.Count(r => r.Binding.Outcome == CaseOutcome.Passed)));
    }
}
