using Cloud.Functions.Serving.Batching;

namespace Cloud.Functions.Tests.Serving.Batching;

public sealed class BatchingOptionsTests
{
    [Fact]
    public void DefaultsRunWithoutTimeoutAndQueueOneBatchPerThread()
    {
        var options = new BatchingOptions();

        Assert.Equal((true, 64, TimeSpan.Zero, Environment.ProcessorCount, Environment.ProcessorCount), (options.Enabled, options.MaxBatchSize, options.BatchTimeout, options.NumBatchThreads, options.EffectiveMaxEnqueuedBatches));
        Assert.Equal(6, (options with { NumBatchThreads = 6 }).EffectiveMaxEnqueuedBatches);
        Assert.Equal(10, (options with { MaxEnqueuedBatches = 10 }).EffectiveMaxEnqueuedBatches);
        Assert.Empty(options.Validate());
    }

    [Fact]
    public void ValidateNamesEachBadValue()
    {
        var bad = new BatchingOptions { MaxBatchSize = 0, BatchTimeout = TimeSpan.FromMilliseconds(-5), NumBatchThreads = -1, MaxEnqueuedBatches = 0 };

        Assert.Equal(
            [
                "MaxBatchSize must be at least 1; it is 0.",
                "BatchTimeout must be between 0 and 01:00:00; it is -00:00:00.0050000.",
                "NumBatchThreads must be at least 1; it is -1.",
                "MaxEnqueuedBatches must be at least 1 (or unset for NumBatchThreads); it is 0.",
            ],
            bad.Validate());
    }

    [Fact]
    public void BatchTimeoutIsAtMostAnHour()
    {
        Assert.Empty(new BatchingOptions { BatchTimeout = TimeSpan.FromHours(1) }.Validate());
        Assert.Equal(["BatchTimeout must be between 0 and 01:00:00; it is 1.00:00:00."], new BatchingOptions { BatchTimeout = TimeSpan.FromDays(1) }.Validate());
    }

    [Fact]
    public void AllowedBatchSizesMustAscendToMaxBatchSize()
    {
        static IReadOnlyList<string> Problems(params int[] sizes) => new BatchingOptions { MaxBatchSize = 8, AllowedBatchSizes = sizes }.Validate();

        Assert.Empty(Problems(1, 2, 4, 8));
        Assert.Empty(Problems(8));
        Assert.Equal(["AllowedBatchSizes must not be empty (leave it unset for no padding)."], Problems());
        Assert.Equal(["AllowedBatchSizes must hold sizes of at least 1; it is [0, 8]."], Problems(0, 8));
        Assert.Equal(["AllowedBatchSizes must be strictly ascending; it is [1, 4, 4, 8]."], Problems(1, 4, 4, 8));
        Assert.Equal(["AllowedBatchSizes must end with MaxBatchSize (8); it is [1, 2, 4]."], Problems(1, 2, 4));
    }

    [Fact]
    public void ABatcherRefusesInvalidOptionsNamingItselfAndTheProblems()
    {
        var error = Assert.Throws<ArgumentException>(() => new BatcherHarness(new BatchingOptions { NumBatchThreads = 0 }));

        Assert.StartsWith("Batching options of test 1 are invalid: NumBatchThreads must be at least 1; it is 0.", error.Message);
    }
}
