using Cloud.Serving.Batching;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cloud.Serving.Tests.Batching;

/// <summary>Many concurrent callers on the real clock and thread pool: every caller gets exactly its own rows back.</summary>
public sealed class MicroBatcherStressTests
{
    private const int Submitters = 64;
    private const int RequestsEach = 200;

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public async Task ConcurrentCallersEachGetTheirOwnRowsAndRequestsShareBatches(int batchTimeoutMilliseconds)
    {
        var executor = new RowFunctionExecutor();
        var options = new BatchingOptions
        {
            NumBatchThreads = 2,
            MaxBatchSize = 32,
            MaxEnqueuedBatches = 8, // 256 rows: room for every submitter's largest request, so none is refused.
            BatchTimeout = TimeSpan.FromMilliseconds(batchTimeoutMilliseconds),
        };
        var batcher = new MicroBatcher<int[], long[]>(executor, options, TimeProvider.System, NullLogger.Instance, "stress 1");

        var mismatches = await Task.WhenAll(Enumerable.Range(0, Submitters).Select(submitter => Task.Run(async () =>
        {
            var random = new Random(submitter);
            var wrong = 0;
            for (var request = 0; request < RequestsEach; request++)
            {
                // Values unique to this caller and request, so a row from anyone else cannot pass the check.
                var rows = Enumerable.Range(0, random.Next(1, 5)).Select(row => (submitter * 1_000_000) + (request * 10) + row).ToArray();
                var result = await batcher.SubmitAsync(rows, CancellationToken.None);
                wrong += result.SequenceEqual(rows.Select(x => RowFunctionExecutor.F(x))) ? 0 : 1;
            }

            return wrong;
        }))).WaitAsync(TestTimeout.Value);
        await batcher.DisposeAsync();
        var statistics = batcher.GetStatistics();

        Assert.All(mismatches, wrong => Assert.Equal(0, wrong));
        Assert.Equal((Submitters * RequestsEach, 0L, 0L), (statistics.Items, statistics.Rejected, statistics.FailedBatches));
        Assert.True(statistics.Batches < statistics.Items, $"{statistics.Batches} batches for {statistics.Items} requests: nothing was batched.");
        Assert.True(executor.MaxRunning <= 2, $"{executor.MaxRunning} batches ran at once on 2 threads.");
        Assert.True(executor.MaxRows <= 32, $"A batch of {executor.MaxRows} rows exceeded the maximum of 32.");
    }

    [Fact]
    public async Task CallersGivingUpAtRandomMomentsNeverLoseOrMixAnyoneElsesRows()
    {
        var executor = new RowFunctionExecutor();
        var batcher = new MicroBatcher<int[], long[]>(executor, new BatchingOptions { NumBatchThreads = 2, MaxBatchSize = 16, MaxEnqueuedBatches = 16 }, TimeProvider.System, NullLogger.Instance, "stress 2");

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 32).Select(submitter => Task.Run(async () =>
        {
            var (completed, cancelled) = (0, 0);
            for (var request = 0; request < 100; request++)
            {
                var rows = new[] { (submitter * 1_000_000) + request };
                using var cancel = new CancellationTokenSource();
                var pending = batcher.SubmitAsync(rows, cancel.Token).AsTask();
                if (request % 3 == 0)
                {
                    await cancel.CancelAsync();
                }

                try
                {
                    Assert.Equal(RowFunctionExecutor.F(rows[0]), (await pending).Single());
                    completed++;
                }
                catch (OperationCanceledException)
                {
                    cancelled++;
                }
            }

            return (completed, cancelled);
        }))).WaitAsync(TestTimeout.Value);
        await batcher.DisposeAsync();
        var statistics = batcher.GetStatistics();

        // Every request either ran (counted in items, cancelled afterwards or not) or was cancelled before it ran.
        Assert.Equal(32 * 100, outcomes.Sum(o => o.completed + o.cancelled));
        Assert.Equal(32 * 100, statistics.Items + statistics.CancelledBeforeRun);
        Assert.True(statistics.CancelledBeforeRun <= outcomes.Sum(o => o.cancelled));
        Assert.Equal((0, 0), (statistics.QueuedItems, statistics.RunningBatches));
    }

    /// <summary>Merges the batch's rows, computes <see cref="F"/> per row as one pass, and splits the results back.</summary>
    private sealed class RowFunctionExecutor : IBatchExecutor<int[], long[]>
    {
        private int _running;
        private int _maxRunning;
        private int _maxRows;

        public int MaxRunning => Volatile.Read(ref _maxRunning);

        public int MaxRows => Volatile.Read(ref _maxRows);

        public static long F(int x) => (3L * x) + 7;

        public int RowsOf(int[] item) => item.Length;

        public async ValueTask<IReadOnlyList<long[]>> ExecuteAsync(IReadOnlyList<int[]> items, int paddedRows, CancellationToken cancellationToken)
        {
            Max(ref _maxRunning, Interlocked.Increment(ref _running));
            Max(ref _maxRows, paddedRows);
            await Task.Yield();
            var merged = items.SelectMany(item => item).Select(F).ToArray();
            var results = new List<long[]>(items.Count);
            var offset = 0;
            foreach (var item in items)
            {
                results.Add(merged[offset..(offset + item.Length)]);
                offset += item.Length;
            }

            Interlocked.Decrement(ref _running);
            return results;
        }

        private static void Max(ref int target, int value)
        {
            for (var current = Volatile.Read(ref target); value > current; current = Volatile.Read(ref target))
            {
                if (Interlocked.CompareExchange(ref target, value, current) == current)
                {
                    return;
                }
            }
        }
    }
}
