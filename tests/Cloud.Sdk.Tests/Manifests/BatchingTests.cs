using Cloud.Sdk.Manifests;

namespace Cloud.Sdk.Tests.Manifests;

/// <summary>Batching overrides: TF Serving's knobs, each within a range the batcher can honour.</summary>
public sealed class BatchingTests
{
    [Theory]
    [InlineData("maxBatchSize", "0", "a whole number from 1 to 65536")]
    [InlineData("maxBatchSize", "65537", "a whole number from 1 to 65536")]
    [InlineData("maxBatchSize", "2.5", "a whole number from 1 to 65536")]
    [InlineData("batchTimeoutMs", "-1", "a number of milliseconds from 0 to 60000")]
    [InlineData("batchTimeoutMs", "60001", "a number of milliseconds from 0 to 60000")]
    [InlineData("numBatchThreads", "0", "a whole number from 1 to 1024")]
    [InlineData("maxEnqueuedBatches", "0", "a whole number from 1 to 1000000")]
    [InlineData("minParallelBatchSize", "0", "a whole number from 1 to 65536")]
    [InlineData("minParallelBatchSize", "65537", "a whole number from 1 to 65536")]
    public void OutOfRangeKnobGivesItsRangeAndValue(string field, string value, string range)
    {
        Assert.Equal(
            new ManifestError($"$.batching.{field}", $"$.batching.{field} must be {range}; it is {value}."),
            Manifests.SingleErrorWith($"\"batching\": {{ \"{field}\": {value} }}"));
    }

    [Fact]
    public void ZeroTimeoutAndFractionalMillisecondsAreAllowed()
    {
        Assert.Equal(TimeSpan.Zero, Manifests.Valid(Manifests.With("\"batching\": { \"batchTimeoutMs\": 0 }")).Batching!.BatchTimeout);
        Assert.Equal(TimeSpan.FromMicroseconds(500), Manifests.Valid(Manifests.With("\"batching\": { \"batchTimeoutMs\": 0.5 }")).Batching!.BatchTimeout);
    }

    [Fact]
    public void MaxBatchSizeOfOneTurnsBatchingOff()
    {
        Assert.Equal(1, Manifests.Valid(Manifests.With("\"batching\": { \"maxBatchSize\": 1 }")).Batching!.MaxBatchSize);
    }

    [Fact]
    public void AllowedBatchSizesMustAscend()
    {
        Assert.Equal(
            new ManifestError("$.batching.allowedBatchSizes[2]", "$.batching.allowedBatchSizes must be in ascending order without repeats, but 4 follows 8."),
            Manifests.SingleErrorWith("\"batching\": { \"maxBatchSize\": 16, \"allowedBatchSizes\": [2, 8, 4, 16] }"));
    }

    [Fact]
    public void RepeatedAllowedBatchSizeIsRefused()
    {
        Assert.Equal(
            "$.batching.allowedBatchSizes must be in ascending order without repeats, but 8 follows 8.",
            Manifests.SingleErrorWith("\"batching\": { \"maxBatchSize\": 8, \"allowedBatchSizes\": [8, 8] }").Message);
    }

    [Fact]
    public void LastAllowedBatchSizeMustEqualMaxBatchSize()
    {
        Assert.Equal(
            new ManifestError("$.batching.allowedBatchSizes", "The last allowed batch size (16) must equal maxBatchSize (32), as in TF Serving."),
            Manifests.SingleErrorWith("\"batching\": { \"maxBatchSize\": 32, \"allowedBatchSizes\": [8, 16] }"));
    }

    [Fact]
    public void AllowedBatchSizesNeedMaxBatchSize()
    {
        Assert.Equal(
            new ManifestError("$.batching.maxBatchSize", "$.batching.allowedBatchSizes needs maxBatchSize beside it, equal to its last entry (16), as in TF Serving."),
            Manifests.SingleErrorWith("\"batching\": { \"allowedBatchSizes\": [8, 16] }"));
    }

    [Fact]
    public void EmptyAllowedBatchSizesIsRefused()
    {
        Assert.Equal(
            new ManifestError("$.batching.allowedBatchSizes", "$.batching.allowedBatchSizes is empty; list at least one batch size, or leave the field out."),
            Manifests.SingleErrorWith("\"batching\": { \"maxBatchSize\": 8, \"allowedBatchSizes\": [] }"));
    }

    [Fact]
    public void AllowedBatchSizeOutOfRangeIsRefused()
    {
        Assert.Equal(
            new ManifestError("$.batching.allowedBatchSizes[0]", "$.batching.allowedBatchSizes[0] must be a whole number from 1 to 65536; it is 0."),
            Manifests.SingleErrorWith("\"batching\": { \"maxBatchSize\": 8, \"allowedBatchSizes\": [0, 8] }"));
    }

    [Fact]
    public void TimeoutAsADurationStringIsRefusedWithTheTypeItNeeds()
    {
        Assert.Equal(
            new ManifestError("$.batching.batchTimeoutMs", "$.batching.batchTimeoutMs must be a number, not a string."),
            Manifests.SingleErrorWith("\"batching\": { \"batchTimeoutMs\": \"5ms\" }"));
    }

    [Fact]
    public void EmptyBatchingKeepsEveryHostSetting()
    {
        var batching = Manifests.Valid(Manifests.With("\"batching\": {}")).Batching!;

        Assert.Null(batching.MaxBatchSize);
        Assert.Null(batching.BatchTimeout);
        Assert.Null(batching.NumBatchThreads);
        Assert.Null(batching.MaxEnqueuedBatches);
        Assert.Empty(batching.AllowedBatchSizes);
    }
}
