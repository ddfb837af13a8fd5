namespace Cloud.Registry.Traffic;

/// <summary>
/// Cumulative request counts of one version: what a serving process publishes (since it started) and what a promote
/// job sums over every process and subtracts to get a window.
/// </summary>
/// <param name="Requests">Prediction requests routed to the version and answered (any status).</param>
/// <param name="ServerErrors">Of those, answers 500–599 (the version failed, or could not take the request).</param>
/// <param name="ClientErrors">Of those, answers 400–499 (the request's fault: counted, not held against the version).</param>
/// <param name="LatencySumMs">The answers' latencies added up, in milliseconds.</param>
/// <param name="LatencyBuckets">Answers per <see cref="Traffic.LatencyBuckets"/> bucket.</param>
internal sealed record VersionTraffic(long Requests, long ServerErrors, long ClientErrors, double LatencySumMs, IReadOnlyList<long> LatencyBuckets)
{
    public static VersionTraffic None { get; } = new(0, 0, 0, 0, new long[Traffic.LatencyBuckets.Count]);

    /// <summary>5xx answers / requests; null without requests.</summary>
    public double? ErrorRate => Requests == 0 ? null : (double)ServerErrors / Requests;

    public double? MeanLatencyMs => Requests == 0 ? null : LatencySumMs / Requests;

    public double? P95LatencyMs => Traffic.LatencyBuckets.Quantile(LatencyBuckets, 0.95);

    public VersionTraffic Plus(VersionTraffic other) => Combine(other, 1);

    /// <summary>What happened since <paramref name="earlier"/> (counts are cumulative, so this is the window between).</summary>
    public VersionTraffic Minus(VersionTraffic earlier) => Combine(earlier, -1);

    private VersionTraffic Combine(VersionTraffic other, int sign) => new(
        Requests + (sign * other.Requests),
        ServerErrors + (sign * other.ServerErrors),
        ClientErrors + (sign * other.ClientErrors),
        LatencySumMs + (sign * other.LatencySumMs),
        Enumerable.Range(0, Traffic.LatencyBuckets.Count).Select(i => At(LatencyBuckets, i) + (sign * At(other.LatencyBuckets, i))).ToArray());

    private static long At(IReadOnlyList<long> counts, int i) => i < counts.Count ? counts[i] : 0;
}
