using Cloud.Registry.Traffic;

namespace Cloud.Serving.Statistics;

/// <summary>
/// One version's answers over the last hour, a slot per wall-clock minute: requests, 5xx, 4xx and the latency histogram
/// (<see cref="LatencyBuckets"/>), so the dashboard draws rates and p50/p99 with no monitoring stack. A ring of 60 slots,
/// each reused when its minute comes round again (about 30 KiB per version, most of it the histograms). Counting is
/// interlocked adds; only the first answer of a new minute takes the lock, to zero the slot an hour old before anyone
/// counts into it.
/// </summary>
internal sealed class MinuteWindow
{
    public const int Minutes = 60;

    private readonly Slot[] _slots = new Slot[Minutes];
    private readonly Lock _rollover = new();

    public MinuteWindow()
    {
        for (var i = 0; i < _slots.Length; i++)
        {
            _slots[i] = new Slot();
        }
    }

    /// <summary>Counts one answer in the minute of <paramref name="now"/>.</summary>
    public void Record(DateTimeOffset now, int status, int latencyBucket)
    {
        var minute = MinuteOf(now);
        var slot = _slots[(int)(minute % Minutes)];
        if (Volatile.Read(ref slot.Minute) != minute)
        {
            lock (_rollover)
            {
                if (slot.Minute != minute)
                {
                    slot.Clear();
                    // Published after the zeroing: a reader or counter that sees this minute sees zeros under it.
                    Volatile.Write(ref slot.Minute, minute);
                }
            }
        }

        Interlocked.Increment(ref slot.Requests);
        if (status >= 500)
        {
            Interlocked.Increment(ref slot.ServerErrors);
        }
        else if (status >= 400)
        {
            Interlocked.Increment(ref slot.ClientErrors);
        }

        Interlocked.Increment(ref slot.Buckets[latencyBucket]);
    }

    /// <summary>The last <see cref="Minutes"/> minutes up to and including the minute of <paramref name="now"/>, oldest first; minutes without answers are zeros.</summary>
    public MinuteCounts[] Read(DateTimeOffset now)
    {
        var last = MinuteOf(now);
        var minutes = new MinuteCounts[Minutes];
        for (var i = 0; i < Minutes; i++)
        {
            var minute = last - Minutes + 1 + i;
            var slot = _slots[(int)(minute % Minutes)];
            var buckets = new long[LatencyBuckets.Count];
            long requests = 0, serverErrors = 0, clientErrors = 0;
            if (Volatile.Read(ref slot.Minute) == minute)
            {
                requests = Volatile.Read(ref slot.Requests);
                serverErrors = Volatile.Read(ref slot.ServerErrors);
                clientErrors = Volatile.Read(ref slot.ClientErrors);
                for (var b = 0; b < buckets.Length; b++)
                {
                    buckets[b] = Volatile.Read(ref slot.Buckets[b]);
                }
            }

            minutes[i] = new MinuteCounts(DateTimeOffset.FromUnixTimeSeconds(minute * 60), requests, serverErrors, clientErrors, buckets);
        }

        return minutes;
    }

    private static long MinuteOf(DateTimeOffset time) => time.ToUnixTimeSeconds() / 60;

    private sealed class Slot
    {
        public readonly long[] Buckets = new long[LatencyBuckets.Count];
        public long Minute = -1;
        public long Requests;
        public long ServerErrors;
        public long ClientErrors;

        public void Clear()
        {
            Requests = 0;
            ServerErrors = 0;
            ClientErrors = 0;
            Array.Clear(Buckets);
        }
    }
}

/// <summary>One minute of a version's answers: its start, the counts and the latency histogram (<see cref="LatencyBuckets"/>).</summary>
internal sealed record MinuteCounts(DateTimeOffset At, long Requests, long ServerErrors, long ClientErrors, long[] LatencyBuckets);
