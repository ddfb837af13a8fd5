namespace Cloud.Serving.Batching;

/// <summary>
/// A snapshot of one batcher's work since it started, for the status API (serialize with
/// <c>JsonSerializerOptions.Web</c> for camelCase). Durations are milliseconds, so the JSON reads as numbers.
/// </summary>
/// <param name="Name">The batcher, e.g. "iris 1.0.0".</param>
/// <param name="Batches">Batches run to the end, failed ones included.</param>
/// <param name="FailedBatches">Batches whose executor threw (every request in them failed).</param>
/// <param name="Items">Requests run.</param>
/// <param name="Rows">Real rows run.</param>
/// <param name="PaddedRows">Rows run including padding up to allowed batch sizes; minus <paramref name="Rows"/> is the waste.</param>
/// <param name="BatchSizes">How many batches had how many real rows, in power-of-two buckets up to the maximum.</param>
/// <param name="QueueWait">Time from submit to the start of the request's batch, over recent requests.</param>
/// <param name="RunTime">Executor time per batch, over recent batches.</param>
/// <param name="Rejected">Requests refused because the queue was full.</param>
/// <param name="CancelledBeforeRun">Requests whose caller gave up before their batch started; they cost no compute.</param>
/// <param name="QueuedItems">Requests waiting now.</param>
/// <param name="QueuedRows">Rows waiting now.</param>
/// <param name="RunningBatches">Batches running now.</param>
internal sealed record BatchStatistics(
    string Name,
    long Batches,
    long FailedBatches,
    long Items,
    long Rows,
    long PaddedRows,
    IReadOnlyList<BatchSizeBucket> BatchSizes,
    DurationSummary QueueWait,
    DurationSummary RunTime,
    long Rejected,
    long CancelledBeforeRun,
    int QueuedItems,
    int QueuedRows,
    int RunningBatches);

/// <summary>How many batches had between <paramref name="MinRows"/> and <paramref name="MaxRows"/> real rows.</summary>
internal sealed record BatchSizeBucket(int MinRows, int MaxRows, long Batches);

/// <summary>Mean and nearest-rank percentiles of recent durations, in milliseconds; zeros when there are no samples.</summary>
internal sealed record DurationSummary(int Samples, double MeanMs, double P50Ms, double P99Ms);
