using Cloud.Serving.Batching;

namespace Cloud.Serving.Tests.Batching;

/// <summary>Callers that give up: before their batch they cost nothing; after it started they only stop waiting.</summary>
public sealed class MicroBatcherCancellationTests
{
    [Fact]
    public async Task ARequestCancelledWhileQueuedLeavesTheQueueAndNeverReachesTheExecutor()
    {
        await using var h = new BatcherHarness(new BatchingOptions { NumBatchThreads = 1, MaxBatchSize = 8 });
        var (_, firstCall) = await h.SubmitRunning(1);
        using var cancel = new CancellationTokenSource();
        var cancelled = h.Submit(2, rows: 2, cancel.Token);
        var kept = h.Submit(3);

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        var whileQueued = (h.Statistics.QueuedItems, h.Statistics.QueuedRows, h.Statistics.CancelledBeforeRun);
        firstCall.Release();
        var call = await h.Executor.NextCallAsync();
        call.Release();

        Assert.Equal((1, 1, 1L), whileQueued);
        Assert.Equal([3], call.Ids);
        Assert.Equal("r3", await kept);
    }

    [Fact]
    public async Task CancellingAfterTheBatchStartedOnlyStopsThatCallerWaiting()
    {
        await using var h = new BatcherHarness(new BatchingOptions { NumBatchThreads = 1, MaxBatchSize = 8 });
        var (_, firstCall) = await h.SubmitRunning(1);
        using var cancel = new CancellationTokenSource();
        var cancelled = h.Submit(2, cancellationToken: cancel.Token);
        var kept = h.Submit(3);
        firstCall.Release();
        var call = await h.Executor.NextCallAsync();

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        var keptWasWaiting = !kept.IsCompleted;
        call.Release();

        Assert.Equal([2, 3], call.Ids);
        Assert.True(keptWasWaiting);
        Assert.Equal("r3", await kept);
        Assert.Equal((0L, 3L), (h.Statistics.CancelledBeforeRun, h.Statistics.Items));
    }

    [Fact]
    public async Task AnAlreadyCancelledTokenIsRefusedWithoutQueueing()
    {
        await using var h = new BatcherHarness(new BatchingOptions());

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => h.Submit(1, cancellationToken: new CancellationToken(canceled: true)));

        Assert.Equal((0, 0, 1L), (h.Statistics.QueuedItems, h.Statistics.RunningBatches, h.Statistics.CancelledBeforeRun));
        Assert.False(h.Executor.HasUnreadCall);
    }
}
