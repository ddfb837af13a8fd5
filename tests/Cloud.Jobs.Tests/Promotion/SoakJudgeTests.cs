using Cloud.Jobs.Promotion;
using Cloud.Registry.Traffic;
using Cloud.Sdk.Manifests;

namespace Cloud.Jobs.Tests.Promotion;

/// <summary>
/// The soak comparison on counts made by hand. Latencies sit in one histogram bucket each; bucket b spans
/// (0.1·1.25^(b−1), 0.1·1.25^b] ms, and p95 is interpolated inside it, so a version one bucket slower is exactly 1.25
/// times slower at p95 (every bound scales by 1.25).
/// </summary>
public sealed class SoakJudgeTests
{
    private static readonly SoakPromotion Soak = new()
    {
        MinRequests = 100,
        MaxErrorRateIncrease = 0.01,
        MaxLatencyRatio = 1.2,
        Action = new PromotionAction { SetLabels = ["stable"] },
    };

    [Fact]
    public void TooFewRequestsConcludeNothing()
    {
        var verdict = SoakJudge.Judge(Traffic(99, 0, bucket: 20), Traffic(1000, 0, bucket: 20), "1.0.0", Soak);

        Assert.Equal(new SoakVerdict(SoakFinding.TooFewRequests, "99 requests in the window; at least 100 (minRequests) are needed to judge"), verdict);
    }

    [Fact]
    public void AnErrorRateExactlyAtTheToleranceAboveTheComparedOnePasses()
    {
        // 4/200 = 0.02 against 10/1000 = 0.01: 0.01 higher, which maxErrorRateIncrease 0.01 allows.
        var verdict = SoakJudge.Judge(Traffic(200, 4, bucket: 20), Traffic(1000, 10, bucket: 20), "1.0.0", Soak);

        Assert.Equal(SoakFinding.NoWorse, verdict.Finding);
        Assert.StartsWith("No worse than 1.0.0: 200 requests, error rate 0.02 against 0.01, p95 latency ", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void AnErrorRateBeyondTheToleranceHoldsTheCanary()
    {
        // 5/200 = 0.025 against 0.01: 0.015 higher.
        var verdict = SoakJudge.Judge(Traffic(200, 5, bucket: 20), Traffic(1000, 10, bucket: 20), "1.0.0", Soak);

        Assert.Equal(new SoakVerdict(SoakFinding.Worse, "Worse than 1.0.0: error rate 0.025 is 0.015 above 1.0.0's 0.01; maxErrorRateIncrease allows 0.01"), verdict);
    }

    [Theory]
    [InlineData(1.2, false)]
    [InlineData(1.25, true)]
    public void LatencyIsComparedAtP95(double maxLatencyRatio, bool passes)
    {
        var expected = passes ? SoakFinding.NoWorse : SoakFinding.Worse;
        var verdict = SoakJudge.Judge(Traffic(200, 0, bucket: 20), Traffic(1000, 0, bucket: 19), "1.0.0", Soak with { MaxLatencyRatio = maxLatencyRatio });

        Assert.Equal(expected, verdict.Finding);
        if (expected == SoakFinding.Worse)
        {
            // Independently: p95 is 95 % of the way through its bucket, and the candidate's bucket is 1.25× the other's.
            var p95 = 0.1 * Math.Pow(1.25, 19) + (0.1 * Math.Pow(1.25, 20) - 0.1 * Math.Pow(1.25, 19)) * 0.95;
            var comparedP95 = p95 / 1.25;
            Assert.Equal(FormattableString.Invariant($"Worse than 1.0.0: p95 latency {p95:0.###} ms is 1.25 times 1.0.0's {comparedP95:0.###} ms; maxLatencyRatio allows 1.2"), verdict.Reason);
        }
    }

    [Fact]
    public void WithoutComparedRequestsTheErrorRateItselfIsHeldToTheToleranceAndLatencyIsNotJudged()
    {
        // 2/100 = 0.02 errors, none to compare with: 0.02 above 0, beyond 0.01. The candidate is far slower, unjudged.
        var verdict = SoakJudge.Judge(Traffic(100, 2, bucket: 50), VersionTraffic.None, "'stable' (no version)", Soak);

        Assert.Equal(new SoakVerdict(SoakFinding.Worse, "Worse than 'stable' (no version): error rate 0.02 is 0.02 above 'stable' (no version)'s 0; maxErrorRateIncrease allows 0.01"), verdict);
    }

    [Fact]
    public void AWindowIsTheCountsNowLessTheCountsWhenItBegan()
    {
        var now = new VersionTraffic(250, 7, 3, 1250, Buckets((5, 200), (6, 50)));
        var then = new VersionTraffic(50, 2, 1, 250, Buckets((5, 50)));

        var window = now.Minus(then);

        Assert.Equal((200L, 5L, 2L, 1000.0), (window.Requests, window.ServerErrors, window.ClientErrors, window.LatencySumMs));
        Assert.Equal(Buckets((5, 150), (6, 50)), window.LatencyBuckets);
        Assert.Equal((0.025, 5.0), (window.ErrorRate, window.MeanLatencyMs)); // 5/200, 1000 ms / 200
    }

    private static VersionTraffic Traffic(long requests, long serverErrors, int bucket) =>
        new(requests, serverErrors, 0, requests * LatencyBuckets.UpperBoundMs(bucket), Buckets((bucket, requests)));

    private static long[] Buckets(params (int Bucket, long Count)[] counts)
    {
        var buckets = new long[LatencyBuckets.Count];
        foreach (var (bucket, count) in counts)
        {
            buckets[bucket] = count;
        }

        return buckets;
    }
}
