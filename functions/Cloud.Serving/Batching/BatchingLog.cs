using Microsoft.Extensions.Logging;

namespace Cloud.Serving.Batching;

/// <summary>The micro-batcher's log messages (source-generated: batch completions are a hot path).</summary>
internal static partial class BatchingLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "A batch of {Items} requests ({Rows} rows) on {Batcher} failed; each of its requests gets the error")]
    public static partial void BatchFailed(ILogger logger, Exception exception, string batcher, int items, int rows);

    // Debug, not Warning: under overload this fires for every refused request; the statistics count them.
    [LoggerMessage(Level = LogLevel.Debug, Message = "Queue of {Batcher} is full ({QueuedRows} of {MaxQueuedRows} rows waiting); refused {Rows} rows, retry after {RetryAfterSeconds} s")]
    public static partial void QueueFull(ILogger logger, string batcher, int queuedRows, long maxQueuedRows, int rows, double retryAfterSeconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Batcher {Batcher} stopping: dropped {Dropped} queued requests, waiting for {Running} running batches")]
    public static partial void Stopping(ILogger logger, string batcher, int dropped, int running);
}
