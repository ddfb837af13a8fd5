namespace Cloud.Serving.Batching;

/// <summary>Where a request is in its life; changed only under the batcher's lock.</summary>
internal enum PendingState
{
    /// <summary>Created, not yet queued.</summary>
    New,
    /// <summary>Waiting in the queue.</summary>
    Queued,
    /// <summary>Taken into a batch; it will run whatever its caller does now.</summary>
    Taken,
    /// <summary>Its caller gave up before it was taken; it never runs.</summary>
    Cancelled,
    /// <summary>Refused, or dropped from the queue at shutdown; it never runs.</summary>
    Dropped,
}

/// <summary>
/// One submitted request: its own result source (a subclass, to save an allocation per request) and a node of
/// the batcher's intrusive FIFO, so a cancelled request leaves the queue in O(1) and never holds a place in it.
/// </summary>
/// <remarks>
/// Continuations run synchronously: the batch's thread, handing out results, goes on to write each caller's answer
/// itself. Queuing each continuation to the thread pool instead costs a hand-off and often a thread wake-up per
/// request, measured at a tenth of the host's throughput under load; the answers are written one after another
/// either way on a loaded host. The batcher never holds its lock while completing a request, so a caller that
/// submits again from its continuation cannot deadlock.
/// </remarks>
internal sealed class PendingRequest<TItem, TResult>(MicroBatcher<TItem, TResult> owner, TItem item, int rows, bool alone = false)
    : TaskCompletionSource<TResult>(TaskCreationOptions.None)
{
    public MicroBatcher<TItem, TResult> Owner { get; } = owner;

    public TItem Item { get; } = item;

    public int Rows { get; } = rows;

    /// <summary>Whether it must be a batch of its own (see <see cref="IBatchExecutor{TItem, TResult}.RunsAlone"/>).</summary>
    public bool Alone { get; } = alone;

    /// <summary>The time provider's timestamp when it was queued.</summary>
    public long EnqueuedAt { get; set; }

    /// <summary>The caller's span, for the batch's spans to hang under and link to; default when none is recorded.</summary>
    public System.Diagnostics.ActivityContext Span { get; set; }

    public PendingState State { get; set; }

    /// <summary>Set before the request is queued, so whoever completes it can see it.</summary>
    public CancellationTokenRegistration Registration { get; set; }

    public PendingRequest<TItem, TResult>? Previous { get; set; }

    public PendingRequest<TItem, TResult>? Next { get; set; }
}
