using Cloud.Serving.Batching;

namespace Cloud.Serving.Tests.Batching;

/// <summary>The queue bound, Retry-After, and requests too large for any batch.</summary>
public sealed class MicroBatcherQueueLimitTests
{
    [Fact]
    public async Task AFullQueueRefusesAtOnceWithRetryAfterAndNeverHoldsMoreThanItsLimit()
    {
        await using var h = new BatcherHarness(new BatchingOptions { NumBatchThreads = 1, MaxBatchSize = 2, MaxEnqueuedBatches = 2 });
        var (_, firstCall) = await h.SubmitRunning(1);
        var accepted = new[] { h.Submit(2), h.Submit(3, rows: 2), h.Submit(4) };

        var refused = Enumerable.Range(100, 1000).Select(id => h.Submit(id)).ToArray();

        Assert.All(refused, task => Assert.True(task.IsFaulted));
        var error = Assert.IsType<BatchQueueFullException>(refused[0].Exception!.InnerException);
        Assert.Equal("test 1 is overloaded: 4 rows already wait (the limit is 4). Retry after 1 s.", error.Message);
        Assert.Equal(TimeSpan.FromSeconds(1), error.RetryAfter);
        Assert.Equal((1000L, 3, 4), (h.Statistics.Rejected, h.Statistics.QueuedItems, h.Statistics.QueuedRows));

        firstCall.Release();
        for (var i = 0; i < 3; i++)
        {
            (await h.Executor.NextCallAsync()).Release();
        }

        Assert.Equal(["r2", "r3", "r4"], await Task.WhenAll(accepted));
        var (later, _) = await h.SubmitRunning(5);
        h.Executor.ReleaseAll();
        Assert.Equal("r5", await later);
    }

    [Fact]
    public async Task RetryAfterIsTheTimeToDrainTheQueueAtRecentBatchRunTimes()
    {
        await using var h = new BatcherHarness(new BatchingOptions { NumBatchThreads = 1, MaxBatchSize = 1, MaxEnqueuedBatches = 3 });
        var (first, firstCall) = await h.SubmitRunning(1);
        h.Time.Advance(TimeSpan.FromMilliseconds(2500));
        firstCall.Release();
        await first;
        await h.SubmitRunning(2);
        _ = new[] { h.Submit(3), h.Submit(4), h.Submit(5) };

        var error = await Assert.ThrowsAsync<BatchQueueFullException>(() => h.Submit(6));

        // 3 queued batches on 1 thread at 2.5 s each: 7.5 s, rounded up.
        Assert.Equal(TimeSpan.FromSeconds(8), error.RetryAfter);
    }

    [Theory]
    [InlineData(0, 5, 2, 1)]
    [InlineData(400, 5, 2, 2)]
    [InlineData(2500, 3, 1, 8)]
    [InlineData(100, 0, 4, 1)]
    [InlineData(10_000, 100, 1, 60)]
    public void RetryAfterEstimateRoundsUpToWholeSecondsBetweenOneAndSixty(int meanRunMilliseconds, long queuedBatches, int threads, int expectedSeconds)
    {
        var retryAfter = RetryAfterEstimate.From(TimeSpan.FromMilliseconds(meanRunMilliseconds), queuedBatches, threads);

        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), retryAfter);
    }

    [Fact]
    public async Task ARequestWithMoreRowsThanMaxBatchSizeIsRefusedWithAClearMessage()
    {
        await using var h = new BatcherHarness(new BatchingOptions { MaxBatchSize = 4 });

        var error = await Assert.ThrowsAsync<BatchItemTooLargeException>(() => h.Submit(1, rows: 5));

        Assert.Equal("The request has 5 rows; test 1 takes at most 4 rows per request (its maximum batch size). Split it into smaller requests.", error.Message);
        Assert.Equal((5, 4), (error.Rows, error.MaxBatchSize));
        Assert.Equal((0L, 0, 0), (h.Statistics.Batches, h.Statistics.QueuedItems, h.Statistics.RunningBatches));
    }

    [Fact]
    public async Task ARequestWithoutRowsIsAProgrammingError()
    {
        await using var h = new BatcherHarness(new BatchingOptions());

        Assert.Throws<ArgumentOutOfRangeException>(() => { _ = h.Batcher.SubmitAsync(new Job(1, 0), default).AsTask(); });
    }
}
