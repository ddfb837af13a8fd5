using System.Diagnostics;
using Cloud.Registry.Traffic;

namespace Cloud.Serving.Statistics;

/// <summary>
/// One version's prediction counts in this process since it started: requests, 5xx and 4xx answers, and latency (a sum
/// and the shared histogram, <see cref="LatencyBuckets"/>). Lock-free: each count is an interlocked add, so a read may
/// straddle a request being counted (one counter ahead of another by one), never lose one. The same answers are also
/// counted per minute over the last hour (<see cref="Window"/>), for the dashboard's rates and percentiles.
/// </summary>
internal sealed class VersionRequestCounters(TimeProvider time)
{
    private readonly long[] _buckets = new long[LatencyBuckets.Count];
    private long _requests;
    private long _serverErrors;
    private long _clientErrors;
    private long _latencyTicks;

    public long Requests => Volatile.Read(ref _requests);

    /// <summary>Counts one answer: its status and its latency in <see cref="Stopwatch"/> ticks.</summary>
    public void Record(int status, long elapsedTicks)
    {
        Interlocked.Increment(ref _requests);
        if (status >= 500)
        {
            Interlocked.Increment(ref _serverErrors);
        }
        else if (status >= 400)
        {
            Interlocked.Increment(ref _clientErrors);
        }

        Interlocked.Add(ref _latencyTicks, elapsedTicks);
        var bucket = LatencyBuckets.Of(elapsedTicks * 1000.0 / Stopwatch.Frequency);
        Interlocked.Increment(ref _buckets[bucket]);
        Window.Record(time.GetUtcNow(), status, bucket);
    }

    /// <summary>The last hour, minute by minute.</summary>
    public MinuteWindow Window { get; } = new();

    public VersionTraffic Read()
    {
        var buckets = new long[_buckets.Length];
        for (var i = 0; i < buckets.Length; i++)
        {
            buckets[i] = Volatile.Read(ref _buckets[i]);
        }

        return new VersionTraffic(Requests, Volatile.Read(ref _serverErrors), Volatile.Read(ref _clientErrors),
            Volatile.Read(ref _latencyTicks) * 1000.0 / Stopwatch.Frequency, buckets);
    }
}
