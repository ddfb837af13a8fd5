using System.Text.Json;
using Cloud.Serving.Batching;

namespace Cloud.Serving.Tests.Batching;

/// <summary>What the status API shows about a batcher.</summary>
public sealed class MicroBatcherStatisticsTests
{
    [Fact]
    public async Task StatisticsCountBatchesItemsRowsSizesQueueWaitsAndRunTimes()
    {
        await using var h = new BatcherHarness(new BatchingOptions { NumBatchThreads = 1, MaxBatchSize = 8 });
        var (_, firstCall) = await h.SubmitRunning(1);
        var second = h.Submit(2, rows: 2);
        h.Time.Advance(TimeSpan.FromMilliseconds(3));
        var third = h.Submit(3);
        h.Time.Advance(TimeSpan.FromMilliseconds(2));
        firstCall.Release();
        (await h.Executor.NextCallAsync()).Release();
        await Task.WhenAll(second, third);

        var statistics = h.Statistics;

        Assert.Equal(("test 1", 2L, 0L, 3L, 4L, 4L), (statistics.Name, statistics.Batches, statistics.FailedBatches, statistics.Items, statistics.Rows, statistics.PaddedRows));
        Assert.Equal([new BatchSizeBucket(1, 1, 1), new BatchSizeBucket(2, 2, 0), new BatchSizeBucket(3, 4, 1), new BatchSizeBucket(5, 8, 0)], statistics.BatchSizes);

        // Job 1 started at once, job 2 waited 5 ms and job 3 2 ms for job 1's 5 ms batch; their batch took no time.
        Assert.Equal(new DurationSummary(3, 7.0 / 3, 2, 5), statistics.QueueWait);
        Assert.Equal(new DurationSummary(2, 2.5, 0, 5), statistics.RunTime);
    }

    [Fact]
    public async Task StatisticsSerializeAsCamelCaseJsonWithDurationsInMilliseconds()
    {
        await using var h = new BatcherHarness(new BatchingOptions { NumBatchThreads = 1, MaxBatchSize = 4 });
        var (first, firstCall) = await h.SubmitRunning(1);
        h.Time.Advance(TimeSpan.FromMilliseconds(1.5));
        firstCall.Release();
        await first;
        await h.SubmitRunning(2);
        _ = h.Submit(3, rows: 2);

        var json = JsonSerializer.Serialize(h.Statistics, JsonSerializerOptions.Web);

        // Written with ' for ", then swapped, to keep the expected JSON readable.
        var expected =
            "{'name':'test 1','batches':1,'failedBatches':0,'items':1,'rows':1,'paddedRows':1,"
            + "'batchSizes':[{'minRows':1,'maxRows':1,'batches':1},{'minRows':2,'maxRows':2,'batches':0},{'minRows':3,'maxRows':4,'batches':0}],"
            + "'queueWait':{'samples':1,'meanMs':0,'p50Ms':0,'p99Ms':0},'runTime':{'samples':1,'meanMs':1.5,'p50Ms':1.5,'p99Ms':1.5},"
            + "'rejected':0,'cancelledBeforeRun':0,'queuedItems':1,'queuedRows':2,'runningBatches':1}";
        Assert.Equal(expected.Replace('\'', '"'), json);
    }

    [Theory]
    [InlineData(1, "1")]
    [InlineData(2, "1 2")]
    [InlineData(4, "1 2 3-4")]
    [InlineData(64, "1 2 3-4 5-8 9-16 17-32 33-64")]
    [InlineData(100, "1 2 3-4 5-8 9-16 17-32 33-64 65-100")]
    public void BatchSizeBucketsDoubleUpToTheMaximum(int maxBatchSize, string expected)
    {
        var buckets = Enumerable.Range(0, BatchSizeBuckets.CountFor(maxBatchSize))
            .Select(i => BatchSizeBuckets.Bounds(i, maxBatchSize))
            .Select(b => b.MinRows == b.MaxRows ? $"{b.MinRows}" : $"{b.MinRows}-{b.MaxRows}");

        Assert.Equal(expected, string.Join(" ", buckets));
        Assert.Equal(
            Enumerable.Range(1, maxBatchSize).Select(rows => expected.Split(' ').ToList().FindIndex(b => Contains(b, rows))),
            Enumerable.Range(1, maxBatchSize).Select(BatchSizeBuckets.IndexOf));
    }

    [Fact]
    public void TheDurationWindowSummarizesOnlyItsMostRecentSamples()
    {
        var window = new DurationWindow(100);
        for (var ms = 1; ms <= 300; ms++)
        {
            window.Add(TimeSpan.FromMilliseconds(ms));
        }

        // Samples 201..300 ms remain; nearest rank: p50 is the 50th, p99 the 99th.
        Assert.Equal(new DurationSummary(100, 250.5, 250, 299), window.Summarize());
        Assert.Equal(TimeSpan.FromMilliseconds(250.5), window.Mean);
    }

    private static bool Contains(string bucket, int rows)
    {
        var bounds = bucket.Split('-').Select(int.Parse).ToArray();
        return rows >= bounds[0] && rows <= bounds[^1];
    }
}
