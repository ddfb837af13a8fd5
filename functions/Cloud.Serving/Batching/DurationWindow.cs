namespace Cloud.Serving.Batching;

/// <summary>
/// The last <c>capacity</c> durations, as a ring: statistics describe recent behaviour (after a load spike the
/// percentiles recover) in fixed memory. Not thread-safe; its owner locks.
/// </summary>
internal sealed class DurationWindow(int capacity)
{
    private readonly long[] _ticks = new long[capacity];
    private int _count;
    private int _next;
    private long _sum;

    /// <summary>Mean of the samples held; zero when none.</summary>
    public TimeSpan Mean => _count == 0 ? TimeSpan.Zero : TimeSpan.FromTicks(_sum / _count);

    public void Add(TimeSpan duration)
    {
        if (_count == _ticks.Length)
        {
            _sum -= _ticks[_next];
        }
        else
        {
            _count++;
        }

        _ticks[_next] = duration.Ticks;
        _sum += duration.Ticks;
        _next = (_next + 1) % _ticks.Length;
    }

    /// <summary>Mean, p50 and p99 (nearest rank: the smallest sample with at least that share of samples at or below it).</summary>
    public DurationSummary Summarize()
    {
        if (_count == 0)
        {
            return new DurationSummary(0, 0, 0, 0);
        }

        // Sorting a copy on demand keeps Add O(1) on the hot path; snapshots are rare (status calls).
        var sorted = _ticks.AsSpan(0, _count).ToArray();
        Array.Sort(sorted);
        return new DurationSummary(_count, Milliseconds(_sum) / _count, Milliseconds(Rank(sorted, 0.50)), Milliseconds(Rank(sorted, 0.99)));
    }

    private static long Rank(long[] sorted, double share) =>
        sorted[Math.Max(0, (int)Math.Ceiling(share * sorted.Length) - 1)];

    private static double Milliseconds(double ticks) => ticks / TimeSpan.TicksPerMillisecond;
}
