namespace Cloud.Serving.Batching;

/// <summary>How long a refused caller should wait before retrying, sent as Retry-After.</summary>
internal static class RetryAfterEstimate
{
    /// <summary>Retry-After is at least this: it is sent in whole seconds, and 0 would invite a retry storm.</summary>
    public static readonly TimeSpan Minimum = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Retry-After is at most this: one slow batch (a model stalled on I/O) must not tell clients to go away for
    /// minutes; they may retry sooner and be refused again cheaply.
    /// </summary>
    public static readonly TimeSpan Maximum = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The time for the batch threads to drain the current queue: ceil(queued batches / threads) rounds of the mean
    /// recent batch run time, rounded up to whole seconds and kept within [<see cref="Minimum"/>,
    /// <see cref="Maximum"/>]. Draining the whole queue (rather than waiting for the first free place) is deliberate:
    /// refused callers come back to a queue with room for all of them instead of all racing for one place.
    /// </summary>
    /// <param name="meanRunTime">Mean run time of recent batches; zero when none ran yet.</param>
    /// <param name="queuedBatches">Batches' worth of requests waiting (queued rows / max batch size, rounded up).</param>
    /// <param name="threads">Batches run at the same time.</param>
    public static TimeSpan From(TimeSpan meanRunTime, long queuedBatches, int threads)
    {
        var rounds = (queuedBatches + threads - 1) / Math.Max(1, threads);
        var seconds = Math.Ceiling(meanRunTime.TotalSeconds * rounds);
        return TimeSpan.FromSeconds(Math.Clamp(seconds, Minimum.TotalSeconds, Maximum.TotalSeconds));
    }
}
