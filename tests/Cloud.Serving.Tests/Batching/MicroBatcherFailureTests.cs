using Cloud.Serving.Batching;

namespace Cloud.Serving.Tests.Batching;

/// <summary>A failing executor and shutdown: errors reach exactly the callers they concern.</summary>
public sealed class MicroBatcherFailureTests
{
    [Fact]
    public async Task AnExecutorErrorFailsEveryRequestOfItsBatchAndNoOtherAndTheBatcherKeepsWorking()
    {
        await using var h = new BatcherHarness(new BatchingOptions { NumBatchThreads = 1, MaxBatchSize = 8 });
        var (first, firstCall) = await h.SubmitRunning(1);
        var failing = new[] { h.Submit(2), h.Submit(3) };
        firstCall.Release();
        var boom = new InvalidOperationException("boom");

        (await h.Executor.NextCallAsync()).Fail(boom);
        var errors = await Task.WhenAll(failing.Select(task => Assert.ThrowsAsync<InvalidOperationException>(() => task)));
        var (after, afterCall) = await h.SubmitRunning(4);
        afterCall.Release();

        Assert.Equal("r1", await first);
        Assert.All(errors, error => Assert.Same(boom, error));
        Assert.Equal("r4", await after);
        Assert.Equal((3L, 1L), (h.Statistics.Batches, h.Statistics.FailedBatches));
    }

    [Fact]
    public async Task AnExecutorThatReturnsTheWrongNumberOfResultsFailsItsBatch()
    {
        var executor = new GatedExecutor { Results = jobs => [.. jobs.Skip(1).Select(j => $"r{j.Id}")] };
        await using var h = new BatcherHarness(new BatchingOptions { NumBatchThreads = 1, MaxBatchSize = 8 }, executor);
        var (_, firstCall) = await h.SubmitRunning(1);
        var batch = new[] { h.Submit(2), h.Submit(3) };
        firstCall.Release();
        (await h.Executor.NextCallAsync()).Release();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => batch[0]);

        Assert.Equal("The executor of test 1 returned 1 results for a batch of 2 requests.", error.Message);
        Assert.Same(error, await Assert.ThrowsAsync<InvalidOperationException>(() => batch[1]));
    }

    [Fact]
    public async Task DisposingDropsQueuedRequestsLetsRunningBatchesFinishAndRefusesNewOnes()
    {
        var h = new BatcherHarness(new BatchingOptions { NumBatchThreads = 1, MaxBatchSize = 8 });
        var (running, runningCall) = await h.SubmitRunning(1);
        var queued = h.Submit(2);

        var disposing = h.Batcher.DisposeAsync().AsTask();
        var dropped = await Assert.ThrowsAsync<BatcherStoppedException>(() => queued);
        var refused = await Assert.ThrowsAsync<BatcherStoppedException>(() => h.Submit(3));
        var stillRunning = !disposing.IsCompleted;
        runningCall.Release();
        await disposing.WaitAsync(TestTimeout.Value);

        Assert.True(stillRunning);
        Assert.Equal("r1", await running);
        Assert.Equal("test 1 is not serving: it shut down before the request ran. Retry; another version may serve it.", dropped.Message);
        Assert.Equal("test 1 is not serving: it is shutting down; the request was not run. Retry; another version may serve it.", refused.Message);
        Assert.IsAssignableFrom<ObjectDisposedException>(refused);
        Assert.Equal((1L, 0, 0), (h.Statistics.Batches, h.Statistics.QueuedItems, h.Statistics.RunningBatches));
        await h.Batcher.DisposeAsync();
    }
}
