using System.Globalization;
using System.Text;
using Cloud.TestSupport.Conformance;

namespace Cloud.Host.Tests.Conformance;

/// <summary>
/// The HTTP suite's results as text: the end-to-end counts of both protocols beside the binding-level count and the
/// 5xx answers, then each protocol's part (<see cref="ProtocolReport"/>), then what both share.
/// </summary>
internal sealed class ServingConformanceReport(IReadOnlyList<ServingCaseResult> results, IReadOnlyList<ProtocolReport> protocols, TimeSpan elapsed, int parallelism)
{
    public IReadOnlyList<ProtocolReport> Protocols => protocols;

    /// <summary>5xx answers of cases that <see cref="KnownServerErrors"/> does not list.</summary>
    public IReadOnlyList<string> UnexpectedServerErrors =>
        results.Where(r => r.ServerErrors.Count > 0 && !KnownServerErrors.Entries.ContainsKey(r.Case.Id))
            .SelectMany(r => r.ServerErrors.Select(e => $"{r.Case.Id}: {e}")).ToList();

    public override string ToString()
    {
        var text = new StringBuilder();
        var culture = CultureInfo.InvariantCulture;
        var calls = string.Join(" and ", protocols.Select(p => $"{p.Protocol.Name} ({p.Protocol.Call})"));
        text.AppendLine(culture, $"Serving conformance: ONNX backend cases uploaded through the management API and called through {calls}, against {BackendTestData.Root}");
        text.AppendLine(culture, $"{results.Count} cases in {elapsed.TotalSeconds:F1} s, {parallelism} at a time");
        text.AppendLine();
        foreach (var protocol in protocols)
        {
            text.AppendLine(culture, $"End to end through {protocol.Protocol.Name}: {protocol.Count(ServingOutcome.Passed)} of {results.Count} pass ({protocol.Count(ServingOutcome.NotRepresentable)} not representable in its JSON).");
        }

        text.AppendLine(culture, $"Binding level (SessionRunner, no HTTP): {results.Count(r => r.Binding.Outcome == CaseOutcome.Passed)} of {results.Count} pass.");
        text.AppendLine(culture, $"5xx answers: {results.Sum(r => r.ServerErrors.Count)} (in {results.Count(r => r.ServerErrors.Count > 0)} cases; {KnownServerErrors.Entries.Count} cases known).");

        ConformanceReport.AppendSection(text, "5xx answers not in KnownServerErrors", UnexpectedServerErrors);
        ConformanceReport.AppendSection(text, "Known 5xx that no longer happen; remove them from KnownServerErrors",
            KnownServerErrors.Entries.Keys.Where(id => !results.Any(r => r.Case.Id == id && r.ServerErrors.Count > 0)).Order(StringComparer.Ordinal));
        foreach (var protocol in protocols)
        {
            protocol.AppendTo(text);
        }

        text.AppendLine();
        text.AppendLine("== Both protocols ==");
        ConformanceReport.AppendSection(text, "Unsupported by ORT", results.Where(r => r.Binding.Outcome == CaseOutcome.UnsupportedByOrt).Select(r => $"{r.Case.Id}: {r.Binding.Reason}"));
        ConformanceReport.AppendSection(text, "Slowest cases", results.OrderByDescending(r => r.Elapsed).Take(5)
            .Select(r => string.Create(culture, $"{r.Case.Id}: {r.Elapsed.TotalMilliseconds:F0} ms")));
        return text.ToString();
    }
}
