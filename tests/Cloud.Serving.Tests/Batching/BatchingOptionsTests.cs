using Cloud.Serving.Batching;
using Cloud.Sdk.Manifests;

namespace Cloud.Serving.Tests.Batching;

public sealed class BatchingOptionsTests
{
    [Fact]
    public void DefaultsRunWithoutTimeoutAndQueueOneBatchPerThread()
    {
        var options = new BatchingOptions();

        Assert.Equal((true, 64, TimeSpan.Zero, Environment.ProcessorCount, Environment.ProcessorCount, 8), (options.Enabled, options.MaxBatchSize, options.BatchTimeout, options.NumBatchThreads, options.EffectiveMaxEnqueuedBatches, options.MinParallelBatchSize));
        Assert.Equal(6, (options with { NumBatchThreads = 6 }).EffectiveMaxEnqueuedBatches);
        Assert.Equal(10, (options with { MaxEnqueuedBatches = 10 }).EffectiveMaxEnqueuedBatches);
        Assert.Empty(options.Validate());
    }

    [Fact]
    public void ValidateNamesEachBadValue()
    {
        var bad = new BatchingOptions { MaxBatchSize = 0, BatchTimeout = TimeSpan.FromMilliseconds(-5), MinParallelBatchSize = 0, NumBatchThreads = -1, MaxEnqueuedBatches = 0 };

        Assert.Equal(
            [
                "MaxBatchSize must be at least 1; it is 0.",
                "BatchTimeout must be between 0 and 01:00:00; it is -00:00:00.0050000.",
                "MinParallelBatchSize must be at least 1; it is 0.",
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
    public void AManifestsOverridesReplaceEachFieldTheySetAndKeepTheRest()
    {
        var host = new BatchingOptions { MaxBatchSize = 64, BatchTimeout = TimeSpan.FromMilliseconds(1), NumBatchThreads = 2, MaxEnqueuedBatches = 16, MinParallelBatchSize = 8 };
        var all = new BatchingOverrides
        {
            MaxBatchSize = 32,
            BatchTimeout = TimeSpan.FromMilliseconds(3),
            NumBatchThreads = 4,
            MaxEnqueuedBatches = 5,
            AllowedBatchSizes = [8, 32],
            MinParallelBatchSize = 2,
        };

        var overridden = host.With(all);
        var kept = host.With(new BatchingOverrides { MinParallelBatchSize = 1 });

        Assert.Equal(
            (32, TimeSpan.FromMilliseconds(3), 4, (int?)5, 2),
            (overridden.MaxBatchSize, overridden.BatchTimeout, overridden.NumBatchThreads, overridden.MaxEnqueuedBatches, overridden.MinParallelBatchSize));
        Assert.Equal([8, 32], overridden.AllowedBatchSizes!);
        Assert.Equal(host with { MinParallelBatchSize = 1 }, kept);
        Assert.Same(host, host.With(null));
    }

    [Fact]
    public void ABatcherRefusesInvalidOptionsNamingItselfAndTheProblems()
    {
        var error = Assert.Throws<ArgumentException>(() => new BatcherHarness(new BatchingOptions { NumBatchThreads = 0 }));

        Assert.StartsWith("Batching options of test 1 are invalid: NumBatchThreads must be at least 1; it is 0.", error.Message);
    }
}
