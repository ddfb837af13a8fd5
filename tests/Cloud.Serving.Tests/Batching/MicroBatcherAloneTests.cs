using Cloud.Serving.Batching;

namespace Cloud.Serving.Tests.Batching;

/// <summary>
/// Requests that cannot be stacked (broadcasting inputs, scalars, empty tensors) are one item of their own: never
/// merged with others, whatever their shapes, and counted as one row by the queue limit.
/// </summary>
public sealed class MicroBatcherAloneTests
{
    [Fact]
    public async Task ARequestThatRunsAloneIsABatchOfItsOwnAndSplitsTheQueueInOrder()
    {
        await using var h = new BatcherHarness(new BatchingOptions { NumBatchThreads = 1, MaxBatchSize = 8 });
        var (first, running) = await h.SubmitRunning(1);
        var queued = new[] { h.Submit(2), SubmitAlone(h, 3, rows: 50), h.Submit(4), h.Submit(5) };

        running.Release();
        var calls = new List<BatchCall>();
        for (var i = 0; i < 3; i++)
        {
            var call = await h.Executor.NextCallAsync();
            calls.Add(call);
            call.Release();
        }

        Assert.Equal([[2], [3], [4, 5]], calls.Select(c => c.Ids.ToArray()));
        Assert.Equal(1, calls[1].PaddedRows); // never padded: it runs with its own shapes
        Assert.Equal("r1", await first);
        Assert.Equal(["r2", "r3", "r4", "r5"], await Task.WhenAll(queued));
    }

    [Fact]
    public async Task ARequestThatRunsAloneCountsAsOneRowTowardTheQueueLimit()
    {
        await using var h = new BatcherHarness(new BatchingOptions { NumBatchThreads = 1, MaxBatchSize = 2, MaxEnqueuedBatches = 1 });
        var (first, running) = await h.SubmitRunning(1);
        var queued = new[] { SubmitAlone(h, 2, rows: 1000), SubmitAlone(h, 3, rows: 1000) };

        await Assert.ThrowsAsync<BatchQueueFullException>(() => SubmitAlone(h, 4, rows: 1000));

        h.Executor.ReleaseAll();
        Assert.Equal("r1", await first);
        Assert.Equal(["r2", "r3"], await Task.WhenAll(queued));
    }

    [Fact]
    public async Task AQueuedRequestThatRunsAloneCanBeCancelled()
    {
        await using var h = new BatcherHarness(new BatchingOptions { NumBatchThreads = 1, MaxBatchSize = 8 });
        var (first, running) = await h.SubmitRunning(1);
        using var cancel = new CancellationTokenSource();
        var alone = h.Batcher.SubmitAsync(new Job(2, Alone: true), cancel.Token).AsTask();

        await cancel.CancelAsync();
        running.Release();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => alone);
        Assert.Equal("r1", await first);
        Assert.False(h.Executor.HasUnreadCall);
    }

    private static Task<string> SubmitAlone(BatcherHarness h, int id, int rows) =>
        h.Batcher.SubmitAsync(new Job(id, rows, Alone: true), CancellationToken.None).AsTask();
}
