using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Cloud.Host.Tests.Http;

/// <summary>
/// Jobs through the local host end to end: a folder uploaded with a validation section gets its validate job, the
/// in-process runner runs it, and the verdict shows on the version and the job; and the jobs API itself.
/// </summary>
public sealed class JobsHttpTests : IAsyncLifetime
{
    private ServingHost _host = null!;

    public async Task InitializeAsync() => _host = await ServingHost.StartAsync(
        ("Cloud:Jobs:LockDuration", "00:00:02"),
        ("Cloud:Jobs:HeartbeatInterval", "00:00:00.2"),
        ("Cloud:Jobs:ReceiveWait", "00:00:00.2"),
        ("Cloud:Jobs:PollInterval", "00:00:00.05"));

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private HttpClient Client => _host.Client;

    [Fact]
    public async Task AnUploadedFolderWithAValidationSectionIsValidatedByItsJob()
    {
        var upload = await _host.PushFolderAsync("iris", "1.1.0", Repo.IrisFolder);
        Assert.Contains("\"registration\":\"registered\"", upload, StringComparison.Ordinal);

        var job = await _host.FinishedValidateJobAsync("iris", "1.1.0");
        var version = await _host.GetJsonAsync("/api/models/iris/versions/1.1.0");
        var log = await Client.GetAsync($"/api/jobs/{job.GetProperty("id").GetString()}/log");

        Assert.Equal("validated", version.GetProperty("status").GetString());
        Assert.Equal(("validate", "succeeded", 1), (job.GetProperty("kind").GetString(), job.GetProperty("status").GetString(), job.GetProperty("attempts").GetInt32()));
        Assert.StartsWith("iris 1.1.0 validated: Validated on 30 rows of 'iris/1.1.0/", job.GetProperty("summary").GetString(), StringComparison.Ordinal);
        Assert.Contains("iris 1.1.0 is validated", job.GetProperty("logTail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, log.StatusCode);
        Assert.Equal("text/plain; charset=utf-8", log.Content.Headers.ContentType?.ToString());
        Assert.Contains("Validating iris 1.1.0 (baseline none)", await log.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AVersionThatMissesItsThresholdIsRejectedWithTheReason()
    {
        using var folder = new TempFolder();
        foreach (var file in Directory.GetFiles(Repo.IrisFolder))
        {
            File.Copy(file, Path.Combine(folder.Path, Path.GetFileName(file)));
        }

        // Every setosa row relabelled versicolor: the model still says setosa, so a third of the rows are wrong.
        var dataset = Path.Combine(folder.Path, "validation.csv");
        File.WriteAllLines(dataset, File.ReadAllLines(dataset).Select(l => l.Replace(",setosa", ",versicolor", StringComparison.Ordinal)));
        await _host.PushFolderAsync("iris", "1.2.0", folder.Path);

        var job = await _host.FinishedValidateJobAsync("iris", "1.2.0");
        var version = await _host.GetJsonAsync("/api/models/iris/versions/1.2.0");

        Assert.Equal("succeeded", job.GetProperty("status").GetString());
        Assert.Equal("rejected", version.GetProperty("status").GetString());
        Assert.Matches(@"^Rejected on 30 rows of '[^']+': .*accuracy", version.GetProperty("failureReason").GetString());
    }

    [Fact]
    public async Task AJobIsSubmittedListedReadAndCancelledWhileItRuns()
    {
        var submitted = await Client.PostAsJsonAsync("/api/jobs", new { kind = "probe", spec = new { seconds = 60 }, id = "probe-http-1" });
        var again = await Client.PostAsJsonAsync("/api/jobs", new { kind = "probe", spec = new { seconds = 60 }, id = "probe-http-1" });
        await Eventually.TrueAsync(async () => (await _host.GetJsonAsync("/api/jobs/probe-http-1")).GetProperty("status").GetString() == "running", "the probe to run");
        var running = await Client.GetFromJsonAsync<JsonElement>("/api/jobs?status=running");

        var cancel = await Client.PostAsync("/api/jobs/probe-http-1/cancel", null);
        await Eventually.TrueAsync(async () => (await _host.GetJsonAsync("/api/jobs/probe-http-1")).GetProperty("status").GetString() == "cancelled", "the runner to stop the probe");
        var cancelAgain = await Client.PostAsync("/api/jobs/probe-http-1/cancel", null);
        var log = await Client.GetStringAsync("/api/jobs/probe-http-1/log");

        Assert.Equal(HttpStatusCode.Created, submitted.StatusCode);
        Assert.Equal("/api/jobs/probe-http-1", submitted.Headers.Location?.ToString());
        Assert.Equal(HttpStatusCode.OK, again.StatusCode); // the same id: the job that has it, not a second one
        Assert.Contains(running.GetProperty("jobs").EnumerateArray(), j => j.GetProperty("id").GetString() == "probe-http-1");
        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        Assert.True(JsonDocument.Parse(await cancel.Content.ReadAsStringAsync()).RootElement.GetProperty("cancelRequested").GetBoolean());
        Assert.Equal(HttpStatusCode.Conflict, cancelAgain.StatusCode);
        Assert.Equal("Job 'probe-http-1' is cancelled already; there is nothing to cancel.", await ServingHost.ErrorOfAsync(cancelAgain));
        Assert.Contains("ONNX Runtime providers", log, StringComparison.Ordinal);
        Assert.Contains("ended cancelled: Cancelled through the management API.", log, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"kind": "fit", "model": "iris"}""", 400, "\"kind\" must be one of probe, promote, train, tune, validate; got 'fit'.")]
    [InlineData("""{"kind": "tune", "model": "iris", "spec": {"command": ["logreg/train.py"], "dataset": "data/iris.csv"}}""", 400, "A tune job's search is not usable:\n\"space\" must be an object: hyper-parameter name → {\"type\": \"categorical\" | \"int\" | \"float\", ...}.\n\"metric\" names the validation metric that ranks trials: one of accuracy, f1, precision, recall, logloss, auc, mse, rmse, mae, r2.")]
    [InlineData("""{"model": "iris"}""", 400, "\"kind\" must be one of probe, promote, train, tune, validate; got none.")]
    [InlineData("""{"kind": "train", "model": "iris"}""", 400, "A train job needs a spec with at least \"command\" (the trainer's argv, e.g. [\"logreg/train.py\"]) and \"dataset\" (a path in the model store).")]
    [InlineData("""{"kind": "train", "spec": {}}""", 400, "A train job names the model it trains (\"model\"); its \"version\", when given, is the parent version the trainer starts from.")]
    [InlineData("""{"kind": "validate", "model": "iris"}""", 400, "A validate job names the model and the version to validate.")]
    [InlineData("""{"kind": "validate", "model": "iris", "version": "9.9.9"}""", 404, "Model 'iris' has no version '9.9.9'.")]
    [InlineData("""{"kind": "probe", "id": "no/slashes"}""", 400, "Job id 'no/slashes' is not valid: use 1 to 100 letters, digits, '.', '_', '-' or '+', starting with a letter or digit.")]
    public async Task ASubmissionThatCouldNeverRunIsRefusedWithTheReason(string body, int status, string error)
    {
        var response = await Client.PostAsync("/api/jobs", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(error, await ServingHost.ErrorOfAsync(response));
    }

    [Theory]
    [InlineData("/api/jobs/nope", "There is no job 'nope'.")]
    [InlineData("/api/jobs/nope/log", "There is no job 'nope'.")]
    [InlineData("/api/jobs?status=done", "status must be one of queued, running, succeeded, failed, dead-lettered, cancelled; got 'done'.")]
    public async Task UnknownJobsAndStatusesAreAnsweredInTheErrorShape(string path, string error)
    {
        var response = await Client.GetAsync(path);

        Assert.Equal(path.Contains('?', StringComparison.Ordinal) ? HttpStatusCode.BadRequest : HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(error, await ServingHost.ErrorOfAsync(response));
    }
}
