namespace Cloud.Serving.Batching;

/// <summary>
/// Counters and recent-duration windows of one batcher. Its own lock, separate from the queue's, so recording a
/// finished batch never delays submitters; rejections and cancellations are plain interlocked counters because
/// they come in storms under overload.
/// </summary>
internal sealed class BatchStatisticsRecorder
{
    /// <summary>Samples kept for the percentiles: enough for a stable p99, small enough to sort on every status call.</summary>
    public const int WindowSize = 1024;

    private readonly Lock _lock = new();
    private readonly int _maxBatchSize;
    private readonly long[] _batchSizes;
    private readonly DurationWindow _queueWait = new(WindowSize);
    private readonly DurationWindow _runTime = new(WindowSize);
    private long _batches;
    private long _failedBatches;
    private long _items;
    private long _rows;
    private long _paddedRows;
    private long _rejected;
    private long _cancelledBeforeRun;

    public BatchStatisticsRecorder(int maxBatchSize)
    {
        _maxBatchSize = maxBatchSize;
        _batchSizes = new long[BatchSizeBuckets.CountFor(maxBatchSize)];
    }

    /// <summary>Mean run time of recent batches, for Retry-After.</summary>
    public TimeSpan MeanRunTime
    {
        get
        {
            lock (_lock)
            {
                return _runTime.Mean;
            }
        }
    }

    public void CountRejected() => Interlocked.Increment(ref _rejected);

    public void CountCancelledBeforeRun() => Interlocked.Increment(ref _cancelledBeforeRun);

    /// <summary>Records a finished batch and how long each of its requests had waited for it to start.</summary>
    public void RecordBatch(int rows, int paddedRows, TimeSpan runTime, bool failed, ReadOnlySpan<TimeSpan> queueWaits)
    {
        lock (_lock)
        {
            _batches++;
            _failedBatches += failed ? 1 : 0;
            _items += queueWaits.Length;
            _rows += rows;
            _paddedRows += paddedRows;
            _batchSizes[Math.Min(BatchSizeBuckets.IndexOf(rows), _batchSizes.Length - 1)]++;
            _runTime.Add(runTime);
            foreach (var wait in queueWaits)
            {
                _queueWait.Add(wait);
            }
        }
    }

    public BatchStatistics Snapshot(string name, int queuedItems, int queuedRows, int runningBatches)
    {
        lock (_lock)
        {
            var buckets = new BatchSizeBucket[_batchSizes.Length];
            for (var i = 0; i < buckets.Length; i++)
            {
                var (min, max) = BatchSizeBuckets.Bounds(i, _maxBatchSize);
                buckets[i] = new BatchSizeBucket(min, max, _batchSizes[i]);
            }

            return new BatchStatistics(
                name,
                _batches,
                _failedBatches,
                _items,
                _rows,
                _paddedRows,
                buckets,
                _queueWait.Summarize(),
                _runTime.Summarize(),
                Interlocked.Read(ref _rejected),
                Interlocked.Read(ref _cancelledBeforeRun),
                queuedItems,
                queuedRows,
                runningBatches);
        }
    }
}
