using System.Net.Http.Json;
using System.Text;
using Cloud.Host.Tests.Http;
using Cloud.Registry.Stores;
using Microsoft.Extensions.DependencyInjection;

namespace Cloud.Host.Tests.Dashboard;

/// <summary>
/// The local host on loopback with an admin key and known data, and a browser, shared by the dashboard's tests: iris
/// 1.0.0 (the seeded sample) and 1.1.0, both validated by their jobs; labels stable → 1.0.0 and canary → 1.1.0 split
/// 80/20 by 1.1.0's own promotion once validated, whose soak waits queued; a scripted load; a train job with a curve and a tune job with trials (their trainers do not exist, so both
/// fail at once; the curve and trials are then written where the jobs keep them, as their runs would have).
/// </summary>
public sealed class DashboardHost : IAsyncLifetime
{
    public const string AdminKey = "dashboard-test-key";
    public const string TrainJob = "train-dash";
    public const string TuneJob = "tune-dash";

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

    public async Task InitializeAsync()
    {
        Host = await ServingHost.StartOverLoopbackAsync(("Cloud:Management:AdminKey", AdminKey));
        Api.DefaultRequestHeaders.Add("X-Cloud-Admin-Key", AdminKey);
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
        var spec = new Dictionary<string, object> { ["command"] = new[] { "missing/train.sh" }, ["dataset"] = "data/missing.csv" };
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
