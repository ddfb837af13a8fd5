namespace Cloud.Serving.Batching;

/// <summary>
/// A request has more rows than <see cref="BatchingOptions.MaxBatchSize"/>. It is refused rather than run alone:
/// the limit bounds the memory and shape of one model run (and the queue is counted in rows), and the caller can
/// split the request, the batcher cannot. TF Serving refuses such requests too. The HTTP layer answers 413.
/// </summary>
internal sealed class BatchItemTooLargeException(string message, int rows, int maxBatchSize) : Exception(message)
{
    /// <summary>The request's rows.</summary>
    public int Rows { get; } = rows;

    /// <summary>The most rows one request may have.</summary>
    public int MaxBatchSize { get; } = maxBatchSize;
}
