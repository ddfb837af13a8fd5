using System.Net.Http.Json;
using System.Text;
using Cloud.Host.Tests.Http;
using Cloud.Registry.Stores;
using Microsoft.Extensions.DependencyInjection;

namespace Cloud.Host.Tests.Dashboard;

/// <summary>
/// The local host on loopback with an admin key and known data, and a browser, shared by the dashboard's tests: iris
/// 1.0.0 (the seeded sample) and 1.1.0, both validated by their jobs; labels stable → 1.0.0 and canary → 1.1.0 split
/// 80/20 by 1.1.0's own promotion once validated, whose soak waits queued; iris-old 1.0.0, validated and unlabelled
/// (to retire); a scripted load. Jobs: where Python has numpy and onnx, a real train job and a real tune job of the
/// logreg sample trainer (their versions of iris-logreg registered and validated), whose pages the docs' pictures
/// show; always, a train job and a tune job whose trainer fails at once (DashboardTrainers.Fails), with a curve and trials
/// then written where the jobs keep them, as their runs would have: known data for the charts' point counts.
/// </summary>
public sealed class DashboardHost : IAsyncLifetime
{
    public const string AdminKey = "dashboard-test-key";
    public const string TrainJob = "train-dash";
    public const string TuneJob = "tune-dash";

    /// <summary>The real jobs (with Python), and the model their versions join.</summary>
    public const string RealTrainJob = "train-iris-logreg", RealTuneJob = "tune-iris-logreg", TrainedModel = "iris-logreg";

    /// <summary>A model whose only version no label uses: one the page may retire.</summary>
    public const string RetireModel = "iris-old";

    /// <summary>The load: predictions answered 200 per version, and ones the version refuses (400).</summary>
    public const int ToStable = 6, ToCanary = 4, BadToCanary = 2;

    public const int CurvePoints = 5;

    /// <summary>Trials written for the tune job, one of which failed (no metric, so not drawn).</summary>
    public const int Trials = 5, FailedTrials = 1;

    // 1.1.0's manifest gains this before its lineage.
    private const string Promotion = """ "promotion": {"onValidated": {"setLabels": ["canary"], "traffic": {"stable": 80, "canary": 20}}, "afterSoak": {"soakMinutes": 60, "setLabels": ["stable"]}}, "lineage":""";

    private const string TfBody = """{"instances": [[5.1, 3.5, 1.4, 0.2]]}""";

    public ServingHost Host { get; private set; } = null!;

    public DashboardBrowser? Browser { get; private set; }

    public string BaseUrl => Host.Client.BaseAddress!.ToString().TrimEnd('/');

    public HttpClient Api => Host.Client;

    /// <summary>Why the real train and tune jobs were not run (Python lacks numpy or onnx), or null when they were.</summary>
    public string? PythonMissing { get; } = PythonFactAttribute.Missing(["numpy", "onnx"]);

    public async Task InitializeAsync()
    {
        Host = await ServingHost.StartOverLoopbackAsync(
            ("Cloud:Management:AdminKey", AdminKey),
            ("Cloud:Jobs:TrainersRoot", DashboardTrainers.Create()),
            // A heartbeat every half second carries the log tail to the job's row, which the open page reads.
            ("Cloud:Jobs:LockDuration", "00:00:10"),
            ("Cloud:Jobs:HeartbeatInterval", "00:00:00.5"),
            ("Cloud:Jobs:ReceiveWait", "00:00:00.2"),
            ("Cloud:Jobs:PollInterval", "00:00:00.05"),
            ("Cloud:Local:ScanInterval", "00:00:00.5"));
        Api.DefaultRequestHeaders.Add("X-Cloud-Admin-Key", AdminKey);

        // The training data, written into the models container as a storage tool would (it is no model folder).
        var data = Path.Combine(Host.DataDirectory, "models", "data");
        Directory.CreateDirectory(data);
        File.Copy(Repo.File("samples", "data", "iris.csv"), Path.Combine(data, "iris.csv"));

        await Host.FinishedValidateJobAsync("iris", "1.0.0");
        (await Api.PutAsJsonAsync("/api/models/iris/labels/stable", new { version = "1.0.0" })).EnsureSuccessStatusCode();

        // 1.1.0 promotes itself once validated (canary, 20 %), and its soak's promote job waits an hour: a queued job to cancel.
        Assert.Contains("\"registration\":\"registered\"", await Host.PushFolderAsync("iris", "1.1.0", Repo.IrisFolder, manifest => manifest.Replace(
            "\"lineage\":", Promotion,
            StringComparison.Ordinal)), StringComparison.Ordinal);
        await Host.FinishedValidateJobAsync("iris", "1.1.0");
        await Eventually.TrueAsync(async () => await SoakJobAsync() is not null, "the soak's promote job to be queued");

        await SendAsync("/v1/models/iris/versions/1.0.0:predict", TfBody, ToStable);
        await SendAsync("/v1/models/iris/versions/1.1.0:predict", TfBody, ToCanary);
        // Decoded, then refused (400) by the version for its NaN: counted under the version, as a malformed body is not.
        await SendAsync("/v1/models/iris/versions/1.1.0:predict", """{"instances": [[NaN, 3.5, 1.4, 0.2]]}""", BadToCanary);

        Assert.Contains("\"registration\":\"registered\"", await Host.PushFolderAsync(RetireModel, "1.0.0", Repo.IrisFolder), StringComparison.Ordinal);
        await Host.FinishedValidateJobAsync(RetireModel, "1.0.0");

        if (PythonMissing is null)
        {
            await RunRealJobsAsync();
        }

        await SubmitFailingJobsAsync();
        await WriteCurveAsync(CurvePoints);
        await Host.JobFilesStore().PutAsync($"{TuneJob}/trials.jsonl", new MemoryStream(Encoding.UTF8.GetBytes(TrialLines())));

        if (File.Exists(ChromiumFactAttribute.Executable))
        {
            Browser = await DashboardBrowser.LaunchAsync();
        }
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        await Host.DisposeAsync();
    }

    public Task<DashboardPage> OpenAsync(string? adminKey = AdminKey) => Browser!.OpenAsync(BaseUrl, adminKey);

    /// <summary>Writes the train job's curve with <paramref name="points"/> points, as its run stores it while the trainer writes.</summary>
    public Task WriteCurveAsync(int points)
    {
        var lines = string.Concat(Enumerable.Range(1, points).Select(step =>
            FormattableString.Invariant($$"""{"step": {{step * 10}}, "loss": {{1.0 / step:0.####}}, "accuracy": {{0.5 + (step * 0.05):0.##}}}""") + "\n"));
        return Host.JobFilesStore().PutAsync($"{TrainJob}/curve.jsonl", new MemoryStream(Encoding.UTF8.GetBytes(lines)));
    }

    /// <summary>
    /// A train job and a tune job as a user submits them (few epochs, few trials, so they take seconds), run to the end
    /// and their versions validated, so no job is left running when the tests start. Their outcome is the real-job
    /// test's to assert: a failure here must not stop every other test.
    /// </summary>
    private async Task RunRealJobsAsync()
    {
        var train = new { command = new[] { DashboardTrainers.Logreg }, dataset = "data/iris.csv", hyperParameters = new { epochs = 600, learning_rate = 0.5, seed = 7 } };
        (await Api.PostAsJsonAsync("/api/jobs", new { kind = "train", model = TrainedModel, id = RealTrainJob, spec = train })).EnsureSuccessStatusCode();
        var tune = new
        {
            command = new[] { DashboardTrainers.Logreg },
            dataset = "data/iris.csv",
            hyperParameters = new { epochs = 300, seed = 7 },
            space = new
            {
                learning_rate = new { type = "float", min = 0.01, max = 1.0, log = true },
                l2 = new { type = "float", min = 0.0, max = 0.01 },
            },
            metric = "logloss",
            budget = new { trials = 6, parallel = 2 },
            seed = 1,
        };
        var submitted = await Api.PostAsJsonAsync("/api/jobs", new { kind = "tune", model = TrainedModel, id = RealTuneJob, spec = tune });
        Assert.True(submitted.IsSuccessStatusCode, await submitted.Content.ReadAsStringAsync());

        // Each trial starts Python and imports numpy and onnx: on a loaded CI machine the tune job alone may outlast the
        // shared guard (TestTimeout), so these waits have a longer one of their own.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        foreach (var id in new[] { RealTrainJob, RealTuneJob })
        {
            while ((await Host.GetJsonAsync($"/api/jobs/{id}")).GetProperty("status").GetString() is not ("succeeded" or "failed" or "dead-lettered"))
            {
                Assert.True(clock.Elapsed < TimeSpan.FromMinutes(3), $"timed out waiting for {id} to finish");
                await Task.Delay(50);
            }
        }

        var versions = (await Host.GetJsonAsync("/api/jobs?model=" + TrainedModel)).GetProperty("jobs").EnumerateArray()
            .Where(j => j.GetProperty("kind").GetString() is "train" or "tune" && j.GetProperty("status").GetString() == "succeeded").Count();
        await Eventually.TrueAsync(async () => (await Api.GetAsync($"/api/models/{TrainedModel}")).IsSuccessStatusCode
            && (await Host.GetJsonAsync($"/api/models/{TrainedModel}")).GetProperty("versions").GetArrayLength() == versions, "the trained versions to register");
        foreach (var version in (await Host.GetJsonAsync($"/api/models/{TrainedModel}")).GetProperty("versions").EnumerateArray())
        {
            await Host.FinishedValidateJobAsync(TrainedModel, version.GetProperty("version").GetString()!);
        }
    }

    /// <summary>Starts a train job of the paced trainer and waits until it runs; the test lets it write, and ends it.</summary>
    internal async Task<PacedRun> StartPacedJobAsync(string id)
    {
        var run = new PacedRun(id);
        var spec = new { command = new[] { DashboardTrainers.Paced, run.Gate }, dataset = "data/iris.csv" };
        (await Api.PostAsJsonAsync("/api/jobs", new { kind = "train", model = "iris", id, spec })).EnsureSuccessStatusCode();
        await Eventually.TrueAsync(async () => (await Host.GetJsonAsync($"/api/jobs/{id}")).GetProperty("status").GetString() == "running", $"{id} to run");
        return run;
    }

    /// <summary>Ends a paced job and waits until its run has ended, so the next test finds no job running.</summary>
    internal async Task EndPacedJobAsync(PacedRun run)
    {
        run.End();
        await Eventually.TrueAsync(async () => (await Host.GetJsonAsync($"/api/jobs/{run.Job}")).GetProperty("status").GetString() is "succeeded" or "failed" or "cancelled" or "dead-lettered", $"{run.Job} to end");
    }

    private static string TrialLines()
    {
        var lines = new StringBuilder();
        for (var n = 1; n <= Trials; n++)
        {
            var failed = n <= FailedTrials;
            lines.Append(FormattableString.Invariant(
                $$"""{"number": {{n}}, "configuration": {{n}}, "rung": 0, "hyperParameters": {"learning_rate": {{0.05 * n}}, "l2": {{0.001 * (Trials - n)}}, "epochs": 100}, "status": "{{(failed ? "failed" : "succeeded")}}", "metric": {{(failed ? "null" : (0.8 + (0.03 * n)).ToString(System.Globalization.CultureInfo.InvariantCulture))}}, "error": {{(failed ? "\"the trainer exited with 1\"" : "null")}}, "output": null, "seconds": {{n}}}""")).Append('\n');
        }

        return lines.ToString();
    }

    private async Task SendAsync(string path, string body, int times)
    {
        for (var i = 0; i < times; i++)
        {
            using var answer = await Api.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));
        }
    }

    private async Task SubmitFailingJobsAsync()
    {
        var spec = new Dictionary<string, object> { ["command"] = new[] { DashboardTrainers.Fails }, ["dataset"] = "data/iris.csv" };
        (await Api.PostAsJsonAsync("/api/jobs", new { kind = "train", model = "iris", id = TrainJob, spec })).EnsureSuccessStatusCode();
        var tune = new Dictionary<string, object>(spec)
        {
            ["space"] = new { learning_rate = new { type = "float", min = 0.01, max = 1 } },
            ["metric"] = "accuracy",
            ["budget"] = new { trials = 2 },
        };
        var submitted = await Api.PostAsJsonAsync("/api/jobs", new { kind = "tune", model = "iris", id = TuneJob, spec = tune });
        Assert.True(submitted.IsSuccessStatusCode, await submitted.Content.ReadAsStringAsync());
        await Eventually.TrueAsync(async () =>
        {
            var jobs = (await Host.GetJsonAsync("/api/jobs?model=iris")).GetProperty("jobs").EnumerateArray();
            return jobs.Count(j => j.GetProperty("id").GetString() is TrainJob or TuneJob && j.GetProperty("status").GetString() == "failed") == 2;
        }, "the train and tune jobs to fail");
    }

    /// <summary>The id of 1.1.0's soak (a promote job queued for later), while it is queued.</summary>
    public async Task<string?> SoakJobAsync() =>
        (await Host.GetJsonAsync("/api/jobs?model=iris&status=queued")).GetProperty("jobs").EnumerateArray()
            .Where(j => j.GetProperty("kind").GetString() == "promote").Select(j => j.GetProperty("id").GetString()).FirstOrDefault();
}

/// <summary>Where the host keeps jobs' files (logs, curves, trials).</summary>
internal static class ServingHostJobFiles
{
    public static Cloud.Storage.Blobs.IBlobStore JobFilesStore(this ServingHost host) => host.App.Services.GetRequiredService<CloudStores>().JobFiles;
}
