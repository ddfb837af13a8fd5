using Cloud.Registry.Traffic;

namespace Cloud.Registry.Tests.Traffic;

/// <summary>The shared latency histogram: bucket b holds (0.1·1.25^(b−1), 0.1·1.25^b] ms; the last holds the rest.</summary>
public sealed class LatencyBucketsTests
{
    [Theory]
    [InlineData(0.0, 0)]
    [InlineData(0.1, 0)]
    [InlineData(0.125, 1)] // exactly the upper bound of bucket 1
    [InlineData(0.126, 2)]
    [InlineData(1.0, 11)] // 0.1·1.25^10 = 0.931 < 1 ≤ 0.1·1.25^11 = 1.164
    [InlineData(1e9, 60)]
    public void ALatencyFallsInTheBucketWhoseBoundsHoldIt(double milliseconds, int bucket) =>
        Assert.Equal(bucket, LatencyBuckets.Of(milliseconds));

    [Fact]
    public void AQuantileIsInterpolatedInsideItsBucket()
    {
        var counts = new long[LatencyBuckets.Count];
        counts[3] = 50; // (0.15625, 0.1953125]
        counts[4] = 50; // (0.1953125, 0.244140625]

        // p95: rank 95, the 45th of bucket 4's 50, so 45/50 of the way from 0.1953125 to 0.244140625.
        Assert.Equal(0.1953125 + ((0.244140625 - 0.1953125) * 45 / 50), LatencyBuckets.Quantile(counts, 0.95)!.Value, 12);
        // p50: rank 50, the last of bucket 3: its upper bound.
        Assert.Equal(0.1953125, LatencyBuckets.Quantile(counts, 0.5)!.Value, 12);
        Assert.Null(LatencyBuckets.Quantile(new long[LatencyBuckets.Count], 0.95));
    }
}
