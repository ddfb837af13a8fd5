using Cloud.Jobs.Promotion;
using Cloud.Jobs.Runner;
using Cloud.Registry.History;
using Cloud.Registry.Registration;
using Cloud.Registry.Traffic;
using Cloud.Sdk.Jobs;
using Cloud.Sdk.Registry;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cloud.Jobs.Tests.Promotion;

/// <summary>
/// The promote job over published per-version statistics: iris 1.0.0 is 'stable', 1.1.0 the 'canary' with 10 %, and
/// its manifest's afterSoak makes it stable with all the traffic when its window (minRequests 100, error rate at most
/// 0.01 higher, p95 at most 1.2 times) is no worse.
/// </summary>
public sealed class PromoteJobTests : IAsyncDisposable
{
    private readonly RegistryHarness _h = new();
    private readonly JobsHarness _jobs;

    public PromoteJobTests() => _jobs = new JobsHarness(_h);

    public async ValueTask DisposeAsync()
    {
        await _jobs.DisposeAsync();
        _h.Dispose();
    }

    [Fact]
    public async Task ACanaryNoWorseThanStableOverItsWindowBecomesStable()
    {
        await CanaryAsync();
        // The canary's requests come from two hosts, and are summed: 60 + 60 = 120 ≥ 100, 1 error in 120 against 0.
        await PublishAsync("1.1.0", "host-a", requests: 60, errors: 1, bucket: 20);
        await PublishAsync("1.1.0", "host-b", requests: 60, errors: 0, bucket: 20);
        await PublishAsync("1.0.0", "host-a", requests: 1000, errors: 0, bucket: 20);

        var result = await RunAsync(round: 1);

        Assert.StartsWith("iris 1.1.0 promoted after its soak: No worse than 1.0.0 ('stable'): 120 requests, error rate 0.0083 against 0", result.Summary, StringComparison.Ordinal);
        Assert.Equal("1.1.0", (await _h.Registry.GetLabelAsync("iris", "stable"))!.Version);
        Assert.Equal(new Dictionary<string, int> { ["stable"] = 100 }, (await _h.Registry.GetPolicyAsync("iris")).Traffic);
        var entry = Assert.Single(await _jobs.History.ReadPromotionsAsync("iris", "1.1.0", CancellationToken.None));
        Assert.Equal(("afterSoak", PromotionOutcomes.Applied), (entry.Trigger, entry.Outcome));
    }

    [Fact]
    public async Task ACanaryWithMoreErrorsIsHeldAndNothingChanges()
    {
        await CanaryAsync();
        await PublishAsync("1.1.0", "host-a", requests: 200, errors: 5, bucket: 20); // 0.025 against 0.01
        await PublishAsync("1.0.0", "host-a", requests: 1000, errors: 10, bucket: 20);

        var result = await RunAsync(round: 1);

        Assert.Equal("iris 1.1.0 held: Worse than 1.0.0 ('stable'): error rate 0.025 is 0.015 above 1.0.0 ('stable')'s 0.01; maxErrorRateIncrease allows 0.01", result.Summary);
        Assert.Equal("1.0.0", (await _h.Registry.GetLabelAsync("iris", "stable"))!.Version);
        Assert.Equal(new Dictionary<string, int> { ["stable"] = 90, ["canary"] = 10 }, (await _h.Registry.GetPolicyAsync("iris")).Traffic);
        Assert.Equal(PromotionOutcomes.Held, Assert.Single(await _jobs.History.ReadPromotionsAsync("iris", "1.1.0", CancellationToken.None)).Outcome);
    }

    [Fact]
    public async Task OnlyTheWindowCountsNotWhatCameBeforeIt()
    {
        await CanaryAsync();
        // 150 requests in all, but 100 of them before the soak began: 50 in the window, too few.
        await PublishAsync("1.1.0", "host-a", requests: 150, errors: 0, bucket: 20);
        var before = Traffic(100, 0, 20);

        var result = await RunAsync(round: 1, candidateSince: before);

        Assert.Equal("iris 1.1.0 not judged yet: 50 requests in the window; at least 100 (minRequests) are needed to judge; promote-iris-1.1.0-soak2 looks again after another 00:30:00", result.Summary);
        var next = await _jobs.JobAsync("promote-iris-1.1.0-soak2");
        Assert.Equal((JobKinds.Promote, JobStatus.Queued), (next!.Kind, next.Status));
        Assert.Equal(2, PromoteJobSpec.From(next.Spec)!.Round);
        Assert.Equal(PromotionOutcomes.Rescheduled, Assert.Single(await _jobs.History.ReadPromotionsAsync("iris", "1.1.0", CancellationToken.None)).Outcome);
    }

    [Fact]
    public async Task TooFewRequestsInTheLastRoundHoldTheCanary()
    {
        await CanaryAsync();
        await PublishAsync("1.1.0", "host-a", requests: 10, errors: 0, bucket: 20);

        var result = await RunAsync(round: SoakScheduling.MaxRounds);

        Assert.Equal("iris 1.1.0 held: 10 requests in the window; at least 100 (minRequests) are needed to judge, after 3 windows; promote it explicitly to go on", result.Summary);
        Assert.Null(await _jobs.JobAsync("promote-iris-1.1.0-soak4"));
    }

    [Fact]
    public async Task ARepeatedRunJudgesAndAppliesNothingAgain()
    {
        await CanaryAsync();
        await PublishAsync("1.1.0", "host-a", requests: 200, errors: 0, bucket: 20);
        await RunAsync(round: 1);
        // A person moves stable back; the job's run repeated (its runner died before its row was written) must not undo that.
        await _h.Registry.SetLabelAsync("iris", "stable", "1.0.0");

        var again = await RunAsync(round: 1);

        Assert.Equal("1.0.0", (await _h.Registry.GetLabelAsync("iris", "stable"))!.Version);
        Assert.StartsWith("iris 1.1.0: applied before by this job", again.Summary, StringComparison.Ordinal);
        Assert.Single(await _jobs.History.ReadPromotionsAsync("iris", "1.1.0", CancellationToken.None));
    }

    /// <summary>1.0.0 stable, 1.1.0 validated as the canary with 10 %, its manifest asking for the soak.</summary>
    private async Task CanaryAsync()
    {
        var workflow = new RegistrationWorkflow(_h.Registration, []);
        foreach (var version in new[] { "1.0.0", "1.1.0" })
        {
            await _h.PutAsync($"iris/{version}/model.onnx", File.ReadAllBytes(SampleModels.Iris("model.onnx")));
            await _h.PutIrisDatasetAsync(version);
            await _h.PutTextAsync($"iris/{version}/model.json", SampleModels.IrisManifest(version).Replace("\"lineage\":", """
                "promotion": {
                    "onValidated": { "setLabels": ["canary"], "traffic": { "stable": 90, "canary": 10 } },
                    "afterSoak": { "soakMinutes": 30, "setLabels": ["stable"], "traffic": { "stable": 100 },
                                   "maxErrorRateIncrease": 0.01, "maxLatencyRatio": 1.2, "minRequests": 100 }
                  },
                  "lineage":
                """, StringComparison.Ordinal));
            Assert.Equal(RegistrationStatus.Registered, (await workflow.HandleBlobAsync($"iris/{version}/model.json", CancellationToken.None)).Status);
            await _h.Registry.RecordVerdictAsync("iris", version, passed: true, "validated in the test");
        }

        await _h.Registry.SetLabelAsync("iris", "stable", "1.0.0");
        await _h.Registry.SetLabelAsync("iris", "canary", "1.1.0");
        await _h.Registry.SetPolicyAsync(new ModelPolicy("iris", new Dictionary<string, int> { ["stable"] = 90, ["canary"] = 10 }, false, null));
    }

    private Task PublishAsync(string version, string instance, long requests, long errors, int bucket) =>
        _jobs.Traffic.PublishAsync(new VersionTrafficSnapshot("iris", version, instance, DateTimeOffset.UnixEpoch, Traffic(requests, errors, bucket)), CancellationToken.None);

    private async Task<JobResult> RunAsync(int round, VersionTraffic? candidateSince = null)
    {
        var spec = new PromoteJobSpec(round, "1.0.0", candidateSince ?? VersionTraffic.None, VersionTraffic.None);
        var id = SoakScheduling.JobId("iris", "1.1.0", round);
        return await _jobs.PromoteHandler().RunAsync(
            new JobContext(new JobMessage(id, JobKinds.Promote, "iris", "1.1.0", spec.ToJson(), 1), 1, NullLogger.Instance, _jobs.WorkDirectory), CancellationToken.None);
    }

    private static VersionTraffic Traffic(long requests, long errors, int bucket)
    {
        var buckets = new long[LatencyBuckets.Count];
        buckets[bucket] = requests;
        return new VersionTraffic(requests, errors, 0, requests * LatencyBuckets.UpperBoundMs(bucket), buckets);
    }
}
