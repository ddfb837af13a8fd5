using System.Text.Json;
using Cloud.Jobs.Runner;
using Cloud.Registry.Registration;
using Cloud.Sdk.Jobs;
using Cloud.Sdk.Registry;

namespace Cloud.Jobs.Tests.Handlers;

/// <summary>
/// The validate job from registration to verdict: the iris sample registered with its validation section, its job
/// queued by registration's follow-up and run by the runner with the real validate handler and classifier validator.
/// </summary>
public sealed class ValidateJobTests : IAsyncDisposable
{
    private readonly RegistryHarness _h = new();
    private readonly JobsHarness _jobs;
    private readonly RegistrationWorkflow _workflow;

    public ValidateJobTests()
    {
        _jobs = new JobsHarness(_h);
        _workflow = new RegistrationWorkflow(_h.Registration, [new ValidationScheduling(_jobs.Submitter)]);
    }

    public ValueTask DisposeAsync() => _jobs.DisposeAsync(); // and the registry

    [Fact]
    public async Task TheIrisSampleMeetsItsAccuracyThresholdAndBecomesValidated()
    {
        var id = await RegisterIrisAsync(SampleModels.IrisManifest());

        var job = await RunAsync(id, JobStatus.Succeeded);

        var version = await _h.Registry.GetVersionAsync("iris", "1.0.0");
        Assert.Equal(ModelVersionStatus.Validated, version!.Status);
        // The metrics themselves are checked against independent values in Evaluation/ModelValidatorTests.
        Assert.StartsWith("iris 1.0.0 validated: Validated on 30 rows of 'iris/1.0.0/validation.csv'", job.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheVerdictIsAppendedToTheMetricHistoryOnceAndTheRowKeepsOnlyTheLatest()
    {
        var id = await RegisterIrisAsync(SampleModels.IrisManifest());
        await RunAsync(id, JobStatus.Succeeded);

        // The run repeated after its runner died (same job id): it validates again, and adds nothing to the history.
        var again = await _jobs.ValidateHandler().RunAsync(
            new JobContext(new JobMessage(id, JobKinds.Validate, "iris", "1.0.0", null, 1), 2, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, _jobs.WorkDirectory),
            CancellationToken.None);

        var history = await _jobs.History.ReadMetricsAsync("iris", "1.0.0", CancellationToken.None);
        var entry = Assert.Single(history);
        var version = await _h.Registry.GetVersionAsync("iris", "1.0.0");
        Assert.Equal((id, "validated", "iris/1.0.0/validation.csv", 30L), (entry.JobId, entry.Outcome, entry.Dataset, entry.Rows));
        Assert.Equal(Correct() / 30.0, entry.Metrics["accuracy"], 12);
        Assert.StartsWith("Validated on 30 rows of 'iris/1.0.0/validation.csv'", entry.Reason, StringComparison.Ordinal);
        Assert.Null(entry.BaselineVersion); // no version is under a baseline label
        var latest = Assert.Single(version!.Metrics);
        Assert.Equal((id, Correct() / 30.0), (latest.JobId, latest.Values["accuracy"]));
        Assert.StartsWith("iris 1.0.0 validated:", again.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARejectionIsInTheMetricHistoryWithItsReason()
    {
        var lines = File.ReadAllLines(SampleModels.Iris("validation.csv"));
        var dataset = lines.Select((l, i) => i > 0 ? l.Replace(",setosa", ",versicolor", StringComparison.Ordinal) : l).ToArray();
        var id = await RegisterIrisAsync(SampleModels.IrisManifest(), dataset);

        await RunAsync(id, JobStatus.Succeeded);

        var entry = Assert.Single(await _jobs.History.ReadMetricsAsync("iris", "1.0.0", CancellationToken.None));
        var version = await _h.Registry.GetVersionAsync("iris", "1.0.0");
        Assert.Equal(("rejected", version!.FailureReason), (entry.Outcome, entry.Reason));
        Assert.Equal(Correct(dataset) / 30.0, entry.Metrics["accuracy"], 12);
    }

    [Fact]
    public async Task AThresholdTheModelCannotMeetRejectsTheVersionWithTheReason()
    {
        // Five setosa rows labelled virginica: the model still says setosa, so at most 25 of 30 can be right.
        var lines = File.ReadAllLines(SampleModels.Iris("validation.csv"));
        var relabelled = 0;
        var dataset = lines.Select((l, i) => i > 0 && l.EndsWith(",setosa", StringComparison.Ordinal) && relabelled++ < 5 ? l.Replace(",setosa", ",virginica", StringComparison.Ordinal) : l).ToArray();
        var id = await RegisterIrisAsync(SampleModels.IrisManifest(), dataset);

        var job = await RunAsync(id, JobStatus.Succeeded);

        var version = await _h.Registry.GetVersionAsync("iris", "1.0.0");
        Assert.Equal(ModelVersionStatus.Rejected, version!.Status);
        Assert.StartsWith("Rejected on 30 rows of 'iris/1.0.0/validation.csv': ", version.FailureReason, StringComparison.Ordinal);
        Assert.Contains("accuracy", version.FailureReason, StringComparison.Ordinal);
        Assert.Equal($"iris 1.0.0 rejected: {version.FailureReason}", job.Summary);
    }

    [Fact]
    public async Task AMissingDatasetFailsTheJobAtOnceAndLeavesTheVersionRegistered()
    {
        // Validation reads the registered copy; the upload's file is gone too, so nothing could bring it back.
        var id = await RegisterIrisAsync(SampleModels.IrisManifest());
        await _h.Blobs.DeleteAsync("iris/1.0.0/validation.csv");
        var datasetSha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(Path.Combine(Repo.IrisFolder, "validation.csv"))));
        await _h.Registered.DeleteAsync(Cloud.Registry.Registered.RegisteredContent.PathOf(datasetSha256));

        var job = await RunAsync(id, JobStatus.Failed);

        Assert.Equal(1, job.Attempts);
        Assert.Equal("Dataset 'iris/1.0.0/validation.csv' has no registered copy: The registered copy of iris/1.0.0/validation.csv is no longer in the registered container.", job.Error);
        Assert.Equal(ModelVersionStatus.Registered, (await _h.Registry.GetVersionAsync("iris", "1.0.0"))!.Status);
    }

    [Fact]
    public async Task AJobForAVersionThatIsNotThereFailsNamingIt()
    {
        await _jobs.Submitter.SubmitAsync(new JobMessage("validate-ghost", JobKinds.Validate, "ghost", "9.9.9", null, 1), CancellationToken.None);

        var job = await RunAsync("validate-ghost", JobStatus.Failed);

        Assert.Equal("Model 'ghost' has no version '9.9.9'.", job.Error);
    }

    private async Task<string> RegisterIrisAsync(string manifest, string[]? dataset = null)
    {
        await _h.PutAsync("iris/1.0.0/model.onnx", File.ReadAllBytes(SampleModels.Iris("model.onnx")));
        await _h.PutTextAsync("iris/1.0.0/validation.csv", string.Join('\n', dataset ?? File.ReadAllLines(SampleModels.Iris("validation.csv"))) + "\n");
        await _h.PutTextAsync("iris/1.0.0/model.json", manifest);
        var outcome = await _workflow.HandleBlobAsync("iris/1.0.0/model.json", CancellationToken.None);
        Assert.Equal(RegistrationStatus.Registered, outcome.Status);
        return outcome.ValidateJob!.Id;
    }

    private async Task<JobInfo> RunAsync(string id, JobStatus expected)
    {
        await _jobs.StartRunnerAsync([_jobs.ValidateHandler()]);
        var job = await _jobs.WaitForAsync(id, j => j.Status.IsFinished(), "the validate job to finish");
        Assert.True(job.Status == expected, $"the job is {job.Status}: {job.Error}");
        return job;
    }

    // Independently of the evaluator: the trainer's own predictions (expected.csv, numpy) against the dataset's species.
    private static int Correct(string[]? dataset = null)
    {
        var classes = new[] { "setosa", "versicolor", "virginica" };
        var species = (dataset ?? File.ReadAllLines(SampleModels.Iris("validation.csv"))).Skip(1).Select(l => l.Split(',')[4]).ToArray();
        var predicted = File.ReadAllLines(SampleModels.Iris("expected.csv")).Skip(1).Select(l => classes[int.Parse(l.Split(',')[3], System.Globalization.CultureInfo.InvariantCulture)]).ToArray();
        return species.Where((s, i) => predicted[i] == s).Count();
    }

    private static string Accuracy(string[]? dataset = null) => (Correct(dataset) / 30.0).ToString("0.####", System.Globalization.CultureInfo.InvariantCulture);
}
