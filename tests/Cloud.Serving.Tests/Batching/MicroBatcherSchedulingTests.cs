using Cloud.Serving.Batching;

namespace Cloud.Serving.Tests.Batching;

/// <summary>When batches start and what they hold. The fake clock moves only where a test says so.</summary>
public sealed class MicroBatcherSchedulingTests
{
    [Fact]
    public async Task ALoneRequestOnAnIdleBatcherRunsAtOnceEvenWithAnHourLongTimeout()
    {
        await using var h = new BatcherHarness(new BatchingOptions { BatchTimeout = TimeSpan.FromHours(1), NumBatchThreads = 4 }, new GatedExecutor { Gated = false });

        var result = await h.Submit(1).WaitAsync(TestTimeout.Value);

        Assert.Equal("r1", result);
        Assert.Equal(0, h.Time.ArmedTimers);
    }

    [Fact]
    public async Task RequestsQueuedWhileEveryThreadIsBusyRunTogetherInArrivalOrderWhenOneFrees()
    {
        await using var h = new BatcherHarness(new BatchingOptions { NumBatchThreads = 1, MaxBatchSize = 8 });
        var (first, firstCall) = await h.SubmitRunning(1);

        var queued = new[] { h.Submit(2, rows: 2), h.Submit(3), h.Submit(4, rows: 3) };
        Assert.Equal((3, 6, 1), (h.Statistics.QueuedItems, h.Statistics.QueuedRows, h.Statistics.RunningBatches));
        firstCall.Release();
        var secondCall = await h.Executor.NextCallAsync();
        secondCall.Release();

        Assert.Equal([1], firstCall.Ids);
        Assert.Equal([2, 3, 4], secondCall.Ids);
        Assert.Equal(6, secondCall.PaddedRows);
        Assert.Equal("r1", await first);
        Assert.Equal(["r2", "r3", "r4"], await Task.WhenAll(queued));
    }

    [Fact]
    public async Task TheNextBatchStartsAsARunEndsBeforeTheFinishedBatchsCallersAreAnswered()
    {
        await using var h = new BatcherHarness(new BatchingOptions { NumBatchThreads = 1, MaxBatchSize = 8 });
        var (first, firstCall) = await h.SubmitRunning(1);
        var queued = h.Submit(2);

        // The first caller's continuation runs on the batch's thread as it is answered; it holds that thread until
        // the second batch has reached the executor. Were the answers written before the slot was handed on, the
        // second batch could not start and this would give up after the timeout.
        var nextCall = h.Executor.NextCallAsync();
        var sawNextRunning = first.ContinueWith(_ => nextCall.Wait(TestTimeout.Value), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        firstCall.Release();

        Assert.True(await sawNextRunning.WaitAsync(TestTimeout.Value));
        Assert.Equal([2], (await nextCall).Ids);
        (await nextCall).Release();
        Assert.Equal("r2", await queued.WaitAsync(TestTimeout.Value));
    }

    [Fact]
    public async Task ABatchTakesWholeRequestsOldestFirstUpToMaxBatchSizeRowsAndNeverSkipsAhead()
    {
        await using var h = new BatcherHarness(new BatchingOptions { NumBatchThreads = 1, MaxBatchSize = 4, MaxEnqueuedBatches = 4 });
        var (_, firstCall) = await h.SubmitRunning(1);
        var queued = new[] { h.Submit(2, rows: 3), h.Submit(3, rows: 2), h.Submit(4, rows: 2), h.Submit(5, rows: 1) };

        var batches = new List<int[]>();
        firstCall.Release();
        for (var i = 0; i < 3; i++)
        {
            var call = await h.Executor.NextCallAsync();
            batches.Add([.. call.Ids]);
            call.Release();
        }

        // Job 5 (1 row) would fit beside job 2 (3 rows), but it arrived after job 3, which does not fit.
        Assert.Equal([[2], [3, 4], [5]], batches);
        Assert.Equal(["r2", "r3", "r4", "r5"], await Task.WhenAll(queued));
    }

    [Fact]
    public async Task WithATimeoutAFreeThreadWaitsForAFullerBatchWhileAnotherBatchRunsUntilTheOldestRequestHasWaitedIt()
    {
        await using var h = new BatcherHarness(new BatchingOptions { NumBatchThreads = 2, MaxBatchSize = 8, BatchTimeout = TimeSpan.FromMilliseconds(10), MinParallelBatchSize = 1 });
        await h.SubmitRunning(1);

        var second = h.Submit(2);
        h.Time.Advance(TimeSpan.FromMilliseconds(4));
        var third = h.Submit(3);
        h.Time.Advance(TimeSpan.FromMilliseconds(5));
        var waitingAfterNineMilliseconds = (h.Statistics.QueuedItems, h.Statistics.RunningBatches);
        h.Time.Advance(TimeSpan.FromMilliseconds(1));
        var call = await h.Executor.NextCallAsync();
        call.Release();

        Assert.Equal((2, 1), waitingAfterNineMilliseconds);
        Assert.Equal([2, 3], call.Ids);
        Assert.Equal(("r2", "r3"), (await second, await third));
    }

    [Fact]
    public async Task WithATimeoutAFullBatchStartsWithoutWaiting()
    {
        await using var h = new BatcherHarness(new BatchingOptions { NumBatchThreads = 2, MaxBatchSize = 4, BatchTimeout = TimeSpan.FromHours(1) });
        await h.SubmitRunning(1);

        var results = new[] { h.Submit(2, rows: 2), h.Submit(3, rows: 2) };
        var call = await h.Executor.NextCallAsync();
        call.Release();

        Assert.Equal([2, 3], call.Ids);
        Assert.Equal(["r2", "r3"], await Task.WhenAll(results));
    }

    [Fact]
    public async Task WithATimeoutAWaitingRequestStartsAsSoonAsNothingElseRuns()
    {
        await using var h = new BatcherHarness(new BatchingOptions { NumBatchThreads = 2, BatchTimeout = TimeSpan.FromHours(1) });
        var (_, firstCall) = await h.SubmitRunning(1);
        var second = h.Submit(2);
        Assert.Equal(1, h.Statistics.QueuedItems);

        firstCall.Release();
        var call = await h.Executor.NextCallAsync();
        call.Release();

        Assert.Equal([2], call.Ids);
        Assert.Equal("r2", await second);
    }

    [Fact]
    public async Task WithoutATimeoutAndWithAMinimumOfOneAFreeThreadNeverWaitsForAFullerBatch()
    {
        await using var h = new BatcherHarness(new BatchingOptions { NumBatchThreads = 2, MaxBatchSize = 8, MinParallelBatchSize = 1 });
        await h.SubmitRunning(1);

        var (second, call) = await h.SubmitRunning(2);
        call.Release();

        Assert.Equal([2], call.Ids);
        Assert.Equal("r2", await second);
        Assert.Equal(0, h.Time.ArmedTimers);
    }

    [Fact]
    public async Task WhileABatchRunsFewerRowsThanTheParallelMinimumWaitForItToEndAndThenStartAtOnce()
    {
        await using var h = new BatcherHarness(new BatchingOptions { NumBatchThreads = 2, MaxBatchSize = 8, MinParallelBatchSize = 3 });
        var (first, firstCall) = await h.SubmitRunning(1);

        var second = h.Submit(2);
        var third = h.Submit(3);
        h.Time.Advance(TimeSpan.FromHours(1));
        var waiting = (h.Statistics.QueuedRows, h.Statistics.RunningBatches, h.Time.ArmedTimers);
        firstCall.Release();
        var call = await h.Executor.NextCallAsync();
        call.Release();

        Assert.Equal((2, 1, 0), waiting);
        Assert.Equal([2, 3], call.Ids);
        Assert.Equal(("r1", "r2", "r3"), (await first, await second, await third));
    }

    [Fact]
    public async Task WhileABatchRunsAParallelBatchStartsAsSoonAsTheMinimumOfRowsHasQueued()
    {
        await using var h = new BatcherHarness(new BatchingOptions { NumBatchThreads = 2, MaxBatchSize = 8, MinParallelBatchSize = 3 });
        await h.SubmitRunning(1);

        var second = h.Submit(2);
        var queuedAfterOneRow = h.Statistics.QueuedRows;
        var (third, call) = await h.SubmitRunning(3, rows: 2);
        var running = h.Statistics.RunningBatches;
        call.Release();

        Assert.Equal((1, 2), (queuedAfterOneRow, running));
        Assert.Equal([2, 3], call.Ids);
        Assert.Equal(("r2", "r3"), (await second, await third));
    }

    [Fact]
    public async Task AFullBatchStartsBesideARunningOneEvenWhenTheParallelMinimumIsLarger()
    {
        await using var h = new BatcherHarness(new BatchingOptions { NumBatchThreads = 2, MaxBatchSize = 4, MinParallelBatchSize = 8 });
        await h.SubmitRunning(1);

        var (second, call) = await h.SubmitRunning(2, rows: 4);
        call.Release();

        Assert.Equal([2], call.Ids);
        Assert.Equal("r2", await second);
    }

    [Fact]
    public async Task WithATimeoutAParallelBatchNeedsBothTheMinimumOfRowsAndTheOldestRequestsWait()
    {
        await using var h = new BatcherHarness(new BatchingOptions { NumBatchThreads = 2, MaxBatchSize = 8, MinParallelBatchSize = 2, BatchTimeout = TimeSpan.FromMilliseconds(10) });
        await h.SubmitRunning(1);

        var second = h.Submit(2);
        h.Time.Advance(TimeSpan.FromMilliseconds(20));
        var afterTheTimeoutWithOneRow = (h.Statistics.QueuedRows, h.Time.ArmedTimers);
        var (third, call) = await h.SubmitRunning(3);
        call.Release();

        Assert.Equal((1, 0), afterTheTimeoutWithOneRow);
        Assert.Equal([2, 3], call.Ids);
        Assert.Equal(("r2", "r3"), (await second, await third));
    }

    [Fact]
    public async Task WithATimeoutTheMinimumOfRowsStillWaitsForTheOldestRequestsTimeout()
    {
        await using var h = new BatcherHarness(new BatchingOptions { NumBatchThreads = 2, MaxBatchSize = 8, MinParallelBatchSize = 2, BatchTimeout = TimeSpan.FromMilliseconds(10) });
        await h.SubmitRunning(1);

        var second = h.Submit(2);
        h.Time.Advance(TimeSpan.FromMilliseconds(4));
        var third = h.Submit(3);
        var waitingWithTwoRows = (h.Statistics.QueuedRows, h.Statistics.RunningBatches);
        h.Time.Advance(TimeSpan.FromMilliseconds(6));
        var call = await h.Executor.NextCallAsync();
        call.Release();

        Assert.Equal((2, 1), waitingWithTwoRows);
        Assert.Equal([2, 3], call.Ids);
        Assert.Equal(("r2", "r3"), (await second, await third));
    }

    [Fact]
    public async Task AnIdleBatcherRunsALoneRowAtOnceWhateverTheParallelMinimum()
    {
        await using var h = new BatcherHarness(new BatchingOptions { NumBatchThreads = 2, MaxBatchSize = 64, MinParallelBatchSize = 64, BatchTimeout = TimeSpan.FromHours(1) });

        var (result, call) = await h.SubmitRunning(1);
        call.Release();

        Assert.Equal([1], call.Ids);
        Assert.Equal("r1", await result);
    }

    [Fact]
    public async Task AtMostNumBatchThreadsBatchesRunAtOnce()
    {
        await using var h = new BatcherHarness(new BatchingOptions { NumBatchThreads = 3, MaxBatchSize = 1, MaxEnqueuedBatches = 10 });

        var results = Enumerable.Range(1, 10).Select(id => h.Submit(id)).ToArray();
        var started = new List<BatchCall> { await h.Executor.NextCallAsync(), await h.Executor.NextCallAsync(), await h.Executor.NextCallAsync() };
        var whileThreeRun = (h.Statistics.RunningBatches, h.Statistics.QueuedItems, h.Executor.HasUnreadCall);
        foreach (var call in started)
        {
            call.Release();
        }

        for (var i = 3; i < 10; i++)
        {
            (await h.Executor.NextCallAsync()).Release();
        }

        Assert.Equal((3, 7, false), whileThreeRun);
        Assert.Equal(Enumerable.Range(1, 10).Select(id => $"r{id}"), await Task.WhenAll(results));
        Assert.Equal(3, h.Executor.MaxRunning);
    }

    [Fact]
    public async Task WhenDisabledEveryRequestRunsAloneAndAtMostNumBatchThreadsAtOnce()
    {
        await using var h = new BatcherHarness(new BatchingOptions { Enabled = false, NumBatchThreads = 2, MaxBatchSize = 8, BatchTimeout = TimeSpan.FromHours(1) });
        var (_, firstCall) = await h.SubmitRunning(1, rows: 2);
        await h.SubmitRunning(2);

        var queued = new[] { h.Submit(3), h.Submit(4, rows: 3) };
        Assert.Equal((2, 2), (h.Statistics.QueuedItems, h.Statistics.RunningBatches));
        firstCall.Release();
        var third = await h.Executor.NextCallAsync();
        third.Release();
        var fourth = await h.Executor.NextCallAsync();
        fourth.Release();

        Assert.Equal([3], third.Ids);
        Assert.Equal([4], fourth.Ids);
        Assert.Equal((1, 3), (third.PaddedRows, fourth.PaddedRows));
        Assert.Equal(["r3", "r4"], await Task.WhenAll(queued));
    }

    [Fact]
    public async Task AllowedBatchSizesPadEachBatchUpToTheNextAllowedSize()
    {
        await using var h = new BatcherHarness(new BatchingOptions { NumBatchThreads = 1, MaxBatchSize = 8, AllowedBatchSizes = [1, 2, 4, 8] });
        var (_, firstCall) = await h.SubmitRunning(1);
        var queued = new[] { h.Submit(2, rows: 2), h.Submit(3, rows: 3) };

        firstCall.Release();
        var call = await h.Executor.NextCallAsync();
        call.Release();
        await Task.WhenAll(queued);

        Assert.Equal((1, 8), (firstCall.PaddedRows, call.PaddedRows));
        Assert.Equal((6, 9), (h.Statistics.Rows, h.Statistics.PaddedRows));
    }
}
