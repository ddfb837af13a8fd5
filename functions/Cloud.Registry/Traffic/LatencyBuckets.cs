namespace Cloud.Registry.Traffic;

/// <summary>
/// The latency histogram's buckets, the same in every process (serving counts into them, a promote job in another
/// process reads them): bucket i counts answers that took at most <see cref="UpperBoundMs"/>(i) and more than the
/// bound before; the last one counts the rest. Bounds grow by a quarter each, from 0.1 ms to about 52 s, so a
/// percentile read by interpolation inside a bucket is within 25 % of the truth, and usually far closer.
/// </summary>
internal static class LatencyBuckets
{
    public const int Count = 61; // 60 bounded buckets and the overflow

    private const double FirstBoundMs = 0.1;
    private const double Growth = 1.25;

    public static double UpperBoundMs(int bucket) => bucket >= Count - 1 ? double.PositiveInfinity : FirstBoundMs * Math.Pow(Growth, bucket);

    public static double LowerBoundMs(int bucket) => bucket == 0 ? 0 : UpperBoundMs(bucket - 1);

    public static int Of(double milliseconds)
    {
        if (milliseconds <= FirstBoundMs)
        {
            return 0;
        }

        var bucket = (int)Math.Ceiling(Math.Log(milliseconds / FirstBoundMs, Growth) - 1e-9);
        return Math.Min(bucket, Count - 1);
    }

    /// <summary>
    /// The <paramref name="quantile"/> (0.95 for p95) of the counts, interpolated linearly inside the bucket that holds
    /// it, as Prometheus's histogram_quantile does; the overflow bucket answers its lower bound. Null without counts.
    /// </summary>
    public static double? Quantile(IReadOnlyList<long> counts, double quantile)
    {
        var total = counts.Sum();
        if (total == 0)
        {
            return null;
        }

        var rank = quantile * total;
        long below = 0;
        for (var bucket = 0; bucket < counts.Count; bucket++)
        {
            if (below + counts[bucket] >= rank && counts[bucket] > 0)
            {
                var lower = LowerBoundMs(bucket);
                var upper = UpperBoundMs(bucket);
                return double.IsPositiveInfinity(upper) ? lower : lower + ((upper - lower) * (rank - below) / counts[bucket]);
            }

            below += counts[bucket];
        }

        return LowerBoundMs(counts.Count - 1);
    }
}
