using Cloud.Serving.Batching;

namespace Cloud.Serving.Tests.Batching;

/// <summary>
/// A batch is formed when its run begins: what queued while its work item waited for a thread joins it. The
/// dispatch is held back by the test, as a busy thread pool would hold it.
/// </summary>
public sealed class MicroBatcherTopUpTests
{
    [Fact]
    public async Task RequestsQueuedWhileALoneRequestsRunWaitsForAThreadJoinIt()
    {
        var dispatch = new HeldDispatch();
        await using var h = new BatcherHarness(new BatchingOptions { NumBatchThreads = 2, MaxBatchSize = 8, MinParallelBatchSize = 8 }, dispatch: dispatch);
        var first = h.Submit(1); // idle batcher: its batch is cut at once and dispatched
        var later = new[] { h.Submit(2), h.Submit(3, rows: 2) }; // one runs, the other slot waits for 8 rows
        Assert.Equal(1, dispatch.Count);

        dispatch.RunNext();
        var call = await h.Executor.NextCallAsync();
        call.Release();

        Assert.Equal([1, 2, 3], call.Ids);
        Assert.Equal(4, call.PaddedRows);
        Assert.Equal("r1", await first);
        Assert.Equal(["r2", "r3"], await Task.WhenAll(later));
        Assert.Equal((1L, 3L), (h.Statistics.Batches, h.Statistics.Items));
    }

    [Fact]
    public async Task TheTopUpTakesWholeRequestsOldestFirstWhileTheyFitAndLeavesTheRestForTheNextBatch()
    {
        var dispatch = new HeldDispatch();
        await using var h = new BatcherHarness(new BatchingOptions { NumBatchThreads = 1, MaxBatchSize = 3, MaxEnqueuedBatches = 4 }, dispatch: dispatch);
        var results = new[] { h.Submit(1), h.Submit(2), h.Submit(3, rows: 2), h.Submit(4) };

        dispatch.RunNext();
        var firstCall = await h.Executor.NextCallAsync();
        Assert.Equal([1, 2], firstCall.Ids); // 3 has two rows: 1 + 1 + 2 > 3, and 4 may not pass it
        firstCall.Release();
        await Eventually.TrueAsync(() => dispatch.Count == 1, "the freed slot to go to the next batch"); // the freed slot went to the next batch
        dispatch.RunNext();
        var secondCall = await h.Executor.NextCallAsync();
        secondCall.Release();

        Assert.Equal([3, 4], secondCall.Ids);
        Assert.Equal(["r1", "r2", "r3", "r4"], await Task.WhenAll(results));
    }

    [Fact]
    public async Task WithBatchingOffARunStillTakesOneRequest()
    {
        var dispatch = new HeldDispatch();
        await using var h = new BatcherHarness(new BatchingOptions { Enabled = false, NumBatchThreads = 1 }, dispatch: dispatch);
        var results = new[] { h.Submit(1), h.Submit(2) };

        dispatch.RunNext();
        var firstCall = await h.Executor.NextCallAsync();
        firstCall.Release();
        await Eventually.TrueAsync(() => dispatch.Count == 1, "the next dispatch");
        dispatch.RunNext();
        (await h.Executor.NextCallAsync()).Release();

        Assert.Equal([1], firstCall.Ids);
        Assert.Equal(["r1", "r2"], await Task.WhenAll(results));
    }
}
