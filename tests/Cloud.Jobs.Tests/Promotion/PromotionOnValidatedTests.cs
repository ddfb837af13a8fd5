using Cloud.Jobs.Runner;
using Cloud.Registry.History;
using Cloud.Registry.Registration;
using Cloud.Sdk.Jobs;
using Cloud.Sdk.Registry;

namespace Cloud.Jobs.Tests.Promotion;

/// <summary>
/// promotion.onValidated applied by the validate job: iris 1.0.0 holds 'stable', and iris 1.1.0, whose manifest asks to
/// become the canary with 10 % of the traffic, is validated by the real validate job on the runner.
/// </summary>
public sealed class PromotionOnValidatedTests : IAsyncDisposable
{
    private const string Canary = """
        "promotion": { "onValidated": { "setLabels": ["canary"], "traffic": { "stable": 90, "canary": 10 } } },
          "lineage":
        """;

    private readonly RegistryHarness _h = new();
    private readonly JobsHarness _jobs;
    private readonly RegistrationWorkflow _workflow;

    public PromotionOnValidatedTests()
    {
        _jobs = new JobsHarness(_h);
        _workflow = new RegistrationWorkflow(_h.Registration, [new ValidationScheduling(_jobs.Submitter)]);
    }

    public ValueTask DisposeAsync() => _jobs.DisposeAsync(); // and the registry

    [Fact]
    public async Task AValidatedCanaryGetsItsLabelAndTheSplitAndEachStepIsRecorded()
    {
        await RegisterAsync("1.0.0", SampleModels.IrisManifest());
        await _h.Registry.SetLabelAsync("iris", "stable", "1.0.0");
        var id = await RegisterAsync("1.1.0", WithPromotion(Canary));

        var job = await RunAsync(id, JobStatus.Succeeded);

        Assert.Equal(["canary → 1.1.0", "stable → 1.0.0"], (await _h.Registry.GetLabelsAsync("iris")).OrderBy(l => l.Label).Select(l => $"{l.Label} → {l.Version}"));
        Assert.Equal(new Dictionary<string, int> { ["stable"] = 90, ["canary"] = 10 }, (await _h.Registry.GetPolicyAsync("iris")).Traffic);
        var entry = Assert.Single(await _jobs.History.ReadPromotionsAsync("iris", "1.1.0", CancellationToken.None));
        Assert.Equal((id, "onValidated", "applied", (string?)null), (entry.Key, entry.Trigger, entry.Outcome, entry.Reason));
        Assert.Equal(["label 'canary' set on 1.1.0", "traffic split set to stable 90, canary 10 (was none (stable, else newest))"], entry.Steps);
        Assert.EndsWith("; promoted: label 'canary' set on 1.1.0; traffic split set to stable 90, canary 10 (was none (stable, else newest))", job.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARepeatedRunOfTheJobAppliesNothingAgain()
    {
        await RegisterAsync("1.0.0", SampleModels.IrisManifest());
        await _h.Registry.SetLabelAsync("iris", "stable", "1.0.0");
        var id = await RegisterAsync("1.1.0", WithPromotion(Canary));
        await RunAsync(id, JobStatus.Succeeded);
        // Meanwhile a person sends all the traffic back to stable: a repeated run must not take it again.
        await _h.Registry.SetPolicyAsync(new ModelPolicy("iris", new Dictionary<string, int> { ["stable"] = 100, ["canary"] = 0 }, false, null));
        var canaryBefore = await _h.Registry.GetLabelAsync("iris", "canary");

        await _jobs.ValidateHandler().RunAsync(new JobContext(new JobMessage(id, JobKinds.Validate, "iris", "1.1.0", null, 1), 2,
            Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, _jobs.WorkDirectory), CancellationToken.None);

        Assert.Equal(new Dictionary<string, int> { ["stable"] = 100, ["canary"] = 0 }, (await _h.Registry.GetPolicyAsync("iris")).Traffic);
        Assert.Equal(canaryBefore!.ETag, (await _h.Registry.GetLabelAsync("iris", "canary"))!.ETag); // not even rewritten
        Assert.Single(await _jobs.History.ReadPromotionsAsync("iris", "1.1.0", CancellationToken.None));
    }

    [Fact]
    public async Task ATrafficLabelThatNeitherIsSetNorExistsFailsTheJobAndChangesNothing()
    {
        // No version holds 'stable': the split {stable 90, canary 10} cannot be set, so neither is 'canary'.
        var id = await RegisterAsync("1.1.0", WithPromotion(Canary));

        var job = await RunAsync(id, JobStatus.Failed);

        Assert.Equal("iris 1.1.0 is validated, but its promotion failed: The traffic split names label 'stable', which the promotion does not set and model 'iris' does not have; nothing was changed.", job.Error);
        Assert.Equal(ModelVersionStatus.Validated, (await _h.Registry.GetVersionAsync("iris", "1.1.0"))!.Status);
        Assert.Empty(await _h.Registry.GetLabelsAsync("iris"));
        Assert.Empty((await _h.Registry.GetPolicyAsync("iris")).Traffic);
        var entry = Assert.Single(await _jobs.History.ReadPromotionsAsync("iris", "1.1.0", CancellationToken.None));
        Assert.Equal((PromotionOutcomes.Failed, 0), (entry.Outcome, entry.Steps.Count));
    }

    [Fact]
    public async Task ARejectedVersionIsNeverPromoted()
    {
        await RegisterAsync("1.0.0", SampleModels.IrisManifest());
        await _h.Registry.SetLabelAsync("iris", "stable", "1.0.0");
        // Every setosa row relabelled versicolor: a third of the rows are wrong, below the 0.9 accuracy threshold.
        var dataset = File.ReadAllLines(SampleModels.Iris("validation.csv")).Select(l => l.Replace(",setosa", ",versicolor", StringComparison.Ordinal)).ToArray();
        var id = await RegisterAsync("1.1.0", WithPromotion(Canary), dataset);

        await RunAsync(id, JobStatus.Succeeded);

        Assert.Equal(ModelVersionStatus.Rejected, (await _h.Registry.GetVersionAsync("iris", "1.1.0"))!.Status);
        Assert.Equal(["stable → 1.0.0"], (await _h.Registry.GetLabelsAsync("iris")).Select(l => $"{l.Label} → {l.Version}"));
        Assert.Empty((await _h.Registry.GetPolicyAsync("iris")).Traffic);
        Assert.Empty(await _jobs.History.ReadPromotionsAsync("iris", "1.1.0", CancellationToken.None));
    }

    [Fact]
    public async Task AnAfterSoakStepQueuesThePromoteJobWhenTheCanaryTakesTraffic()
    {
        await RegisterAsync("1.0.0", SampleModels.IrisManifest());
        await _h.Registry.SetLabelAsync("iris", "stable", "1.0.0");
        var id = await RegisterAsync("1.1.0", WithPromotion("""
            "promotion": {
                "onValidated": { "setLabels": ["canary"], "traffic": { "stable": 90, "canary": 10 } },
                "afterSoak": { "soakMinutes": 30, "setLabels": ["stable"], "traffic": { "stable": 100 } }
              },
              "lineage":
            """));

        var job = await RunAsync(id, JobStatus.Succeeded);

        var promote = await _jobs.JobAsync("promote-iris-1.1.0-soak1");
        Assert.NotNull(promote);
        Assert.Equal((JobKinds.Promote, JobStatus.Queued, "iris", "1.1.0"), (promote.Kind, promote.Status, promote.Model, promote.Version));
        Assert.EndsWith("; promote-iris-1.1.0-soak1 judges it after 00:30:00", job.Summary, StringComparison.Ordinal);
        // Delayed by the window, the promote message stays on the queue; the validate jobs' messages are settled just
        // after their rows say finished (the runner records the outcome first), so wait for those to go.
        await Eventually.TrueAsync(async () => await _jobs.PendingMessagesAsync() == 1, "only the delayed promote message to be left on the queue");
    }

    [Fact]
    public async Task ACanaryThatNobodyCallsIsLookedAtThreeTimesThenHeld()
    {
        await RegisterAsync("1.0.0", SampleModels.IrisManifest());
        await _h.Registry.SetLabelAsync("iris", "stable", "1.0.0");
        // A 0.3 s window (0.005 minutes): the promote jobs really wait on the queue, and no request reaches the canary.
        var id = await RegisterAsync("1.1.0", WithPromotion("""
            "promotion": {
                "onValidated": { "setLabels": ["canary"], "traffic": { "stable": 90, "canary": 10 } },
                "afterSoak": { "soakMinutes": 0.005, "setLabels": ["stable"], "traffic": { "stable": 100 }, "minRequests": 1 }
              },
              "lineage":
            """));
        await _jobs.StartRunnerAsync([_jobs.ValidateHandler(), _jobs.PromoteHandler()]);

        await RunAsync(id, JobStatus.Succeeded);
        var last = await _jobs.WaitForAsync("promote-iris-1.1.0-soak3", j => j.Status.IsFinished(), "the third soak round to finish");

        Assert.Equal("iris 1.1.0 held: 0 requests in the window; at least 1 (minRequests) are needed to judge, after 3 windows; promote it explicitly to go on", last.Summary);
        Assert.Equal(["applied", "rescheduled", "rescheduled", "held"],
            (await _jobs.History.ReadPromotionsAsync("iris", "1.1.0", CancellationToken.None)).Select(e => e.Outcome));
        Assert.Equal("1.0.0", (await _h.Registry.GetLabelAsync("iris", "stable"))!.Version);
        Assert.Equal(new Dictionary<string, int> { ["stable"] = 90, ["canary"] = 10 }, (await _h.Registry.GetPolicyAsync("iris")).Traffic);
        Assert.Null(await _jobs.JobAsync("promote-iris-1.1.0-soak4"));
    }

    private static string WithPromotion(string promotion) =>
        SampleModels.IrisManifest("1.1.0").Replace("\"lineage\":", promotion, StringComparison.Ordinal);

    private async Task<string> RegisterAsync(string version, string manifest, string[]? dataset = null)
    {
        await _h.PutAsync($"iris/{version}/model.onnx", File.ReadAllBytes(SampleModels.Iris("model.onnx")));
        await _h.PutTextAsync($"iris/{version}/validation.csv", string.Join('\n', dataset ?? File.ReadAllLines(SampleModels.Iris("validation.csv"))) + "\n");
        await _h.PutTextAsync($"iris/{version}/model.json", manifest);
        var outcome = await _workflow.HandleBlobAsync($"iris/{version}/model.json", CancellationToken.None);
        Assert.True(outcome.Status == RegistrationStatus.Registered, outcome.Message);
        return outcome.ValidateJob!.Id;
    }

    private async Task<JobInfo> RunAsync(string id, JobStatus expected)
    {
        await _jobs.StartRunnerAsync([_jobs.ValidateHandler()]);
        var job = await _jobs.WaitForAsync(id, j => j.Status.IsFinished(), "the validate job to finish");
        Assert.True(job.Status == expected, $"the job is {job.Status}: {job.Error}");
        return job;
    }
}
