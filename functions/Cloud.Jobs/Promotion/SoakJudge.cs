using System.Globalization;
using Cloud.Registry.Traffic;
using Cloud.Sdk.Manifests;

namespace Cloud.Jobs.Promotion;

/// <summary>
/// Compares a canary's window with the compared version's (both from the hosts' per-version statistics):
/// <list type="bullet">
/// <item>at least <c>minRequests</c> answered by the candidate, else nothing is concluded;</item>
/// <item>error rate (5xx answers / requests) at most <c>maxErrorRateIncrease</c> above the compared version's;</item>
/// <item>p95 latency at most <c>maxLatencyRatio</c> times the compared version's.</item>
/// </list>
/// A compared version that answered nothing in the window (or none under the label) gives no rate and no latency to
/// compare with: the candidate's error rate is then held to <c>maxErrorRateIncrease</c> itself, and latency is not judged.
/// </summary>
internal static class SoakJudge
{
    // Rates are ratios of counts: a candidate exactly at the tolerance must pass, whatever the last bit of a division.
    private const double Slack = 1e-12;

    public static SoakVerdict Judge(VersionTraffic candidate, VersionTraffic compared, string comparedName, SoakPromotion soak)
    {
        if (candidate.Requests < soak.MinRequests)
        {
            return new SoakVerdict(SoakFinding.TooFewRequests, Text(
                $"{candidate.Requests} requests in the window; at least {soak.MinRequests} (minRequests) are needed to judge"));
        }

        var misses = new List<string>();
        var errorRate = candidate.ErrorRate!.Value;
        var comparedRate = compared.ErrorRate ?? 0;
        if (errorRate - comparedRate > soak.MaxErrorRateIncrease + Slack)
        {
            misses.Add(Text($"error rate {errorRate:0.####} is {errorRate - comparedRate:0.####} above {comparedName}'s {comparedRate:0.####}; maxErrorRateIncrease allows {soak.MaxErrorRateIncrease:0.####}"));
        }

        var p95 = candidate.P95LatencyMs;
        var comparedP95 = compared.P95LatencyMs;
        if (p95 is { } c && comparedP95 is { } s and > 0 && c / s > soak.MaxLatencyRatio + Slack)
        {
            misses.Add(Text($"p95 latency {c:0.###} ms is {c / s:0.###} times {comparedName}'s {s:0.###} ms; maxLatencyRatio allows {soak.MaxLatencyRatio:0.###}"));
        }

        var numbers = comparedP95 is null
            ? Text($"{candidate.Requests} requests, error rate {errorRate:0.####} ({comparedName} answered none in the window: latency not compared)")
            : Text($"{candidate.Requests} requests, error rate {errorRate:0.####} against {comparedRate:0.####}, p95 latency {p95:0.###} ms against {comparedP95:0.###} ms");
        return misses.Count == 0
            ? new SoakVerdict(SoakFinding.NoWorse, $"No worse than {comparedName}: {numbers}")
            : new SoakVerdict(SoakFinding.Worse, $"Worse than {comparedName}: {string.Join("; ", misses)}");
    }

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
