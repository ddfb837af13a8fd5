namespace Cloud.Serving.Batching;

/// <summary>
/// The batcher's queue holds as many rows as it may; the request was refused at once, without waiting. The HTTP
/// layer answers 429 with a Retry-After header of <see cref="RetryAfter"/> (whole seconds).
/// </summary>
internal sealed class BatchQueueFullException(string message, TimeSpan retryAfter) : Exception(message)
{
    /// <summary>About when the queue will have drained; whole seconds, at least 1 (see <see cref="RetryAfterEstimate"/>).</summary>
    public TimeSpan RetryAfter { get; } = retryAfter;
}
