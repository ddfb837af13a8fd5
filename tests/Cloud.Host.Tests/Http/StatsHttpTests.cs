using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Cloud.Host.Tests.Dashboard;

namespace Cloud.Host.Tests.Http;

/// <summary>
/// What the dashboard reads beside the registry: a model's last hour per version from the host's own windows, a
/// version's metric history with its thresholds, and a tune job's trials.
/// </summary>
public sealed class StatsHttpTests : IAsyncLifetime
{
    private const string TfBody = """{"instances": [[5.1, 3.5, 1.4, 0.2]]}""";
    private const string NaNBody = """{"instances": [[NaN, 3.5, 1.4, 0.2]]}""";
    private readonly string _model = $"stats-{Guid.NewGuid():N}"[..20];
    private ServingHost _host = null!;

    public async Task InitializeAsync()
    {
        _host = await ServingHost.StartAsync();
        foreach (var version in new[] { "1.0.0", "2.0.0", "3.0.0" })
        {
            Assert.Contains("\"registration\":\"registered\"", await _host.PushFolderAsync(_model, version, Repo.IrisFolder), StringComparison.Ordinal);
        }
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task AModelsStatsAreItsVersionsLastHourAsTheLoadMadeIt()
    {
        const int toOne = 5, toTwo = 3, refusedByTwo = 2;
        await SendAsync("1.0.0", TfBody, toOne);
        await SendAsync("2.0.0", TfBody, toTwo);
        await SendAsync("2.0.0", NaNBody, refusedByTwo);

        // A refusal reaches the client a moment before it is counted.
        JsonElement stats = default;
        await Eventually.TrueAsync(async () =>
        {
            stats = await _host.GetJsonAsync($"/api/models/{_model}/stats");
            return stats.GetProperty("versions")[1].GetProperty("lastHour").GetProperty("requests").GetInt64() == toTwo + refusedByTwo;
        }, "the refused requests to be counted");

        Assert.Equal((_model, 60), (stats.GetProperty("model").GetString(), stats.GetProperty("minutes").GetInt32()));
        var versions = stats.GetProperty("versions").EnumerateArray().ToList();
        Assert.Equal(["1.0.0", "2.0.0", "3.0.0"], versions.Select(v => v.GetProperty("version").GetString()));
        Assert.All(versions, v => Assert.Equal(60, v.GetProperty("perMinute").GetArrayLength()));
        Assert.Equal([toOne, toTwo + refusedByTwo, 0], versions.Select(v => v.GetProperty("perMinute").EnumerateArray().Sum(m => m.GetProperty("requests").GetInt64())));

        var two = versions[1].GetProperty("lastHour");
        Assert.Equal((toTwo + refusedByTwo, 0L, (long)refusedByTwo, 0.0), (two.GetProperty("requests").GetInt64(), two.GetProperty("serverErrors").GetInt64(),
            two.GetProperty("clientErrors").GetInt64(), two.GetProperty("errorRate").GetDouble()));
        Assert.True(two.GetProperty("p50Ms").GetDouble() > 0);
        Assert.True(two.GetProperty("p99Ms").GetDouble() >= two.GetProperty("p50Ms").GetDouble());
        var three = versions[2].GetProperty("lastHour");
        Assert.Equal((JsonValueKind.Null, JsonValueKind.Null), (three.GetProperty("errorRate").ValueKind, three.GetProperty("p50Ms").ValueKind));

        // Loaded versions carry their batch sizes: every prediction that reached 1.0.0 ran in a batch of one row.
        var batching = versions[0].GetProperty("batching");
        var sizes = batching.GetProperty("batchSizes").EnumerateArray().ToList();
        Assert.Equal((1, 1), (sizes[0].GetProperty("minRows").GetInt32(), sizes[0].GetProperty("maxRows").GetInt32()));
        Assert.Equal(batching.GetProperty("batches").GetInt64(), sizes.Sum(s => s.GetProperty("batches").GetInt64()));
        Assert.True(sizes[0].GetProperty("batches").GetInt64() >= toOne);
    }

    [Fact]
    public async Task AnUnknownModelHasNoStats()
    {
        using var answer = await _host.Client.GetAsync("/api/models/nothing-here/stats");

        Assert.Equal(HttpStatusCode.NotFound, answer.StatusCode);
        Assert.Equal("Model 'nothing-here' is not registered.", await ServingHost.ErrorOfAsync(answer));
    }

    [Fact]
    public async Task AVersionsMetricsCarryTheThresholdsItsManifestSets()
    {
        await _host.FinishedValidateJobAsync(_model, "1.0.0");

        var metrics = await _host.GetJsonAsync($"/api/models/{_model}/versions/1.0.0/metrics");

        Assert.Equal(0.9, metrics.GetProperty("thresholds").GetProperty("accuracy").GetDouble());
        Assert.Single(metrics.GetProperty("thresholds").EnumerateObject());
        Assert.Equal("validated", metrics.GetProperty("metrics")[0].GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task ATuneJobsTrialsAreServedOnceStoredAndNotBefore()
    {
        var job = await _host.FinishedValidateJobAsync(_model, "1.0.0");
        var id = job.GetProperty("id").GetString()!;

        using var before = await _host.Client.GetAsync($"/api/jobs/{id}/trials");
        const string Trials = "{\"number\": 1, \"metric\": 0.9}\n{\"number\": 2, \"metric\": null}\n";
        await _host.JobFilesStore().PutAsync($"{id}/trials.jsonl", new MemoryStream(Encoding.UTF8.GetBytes(Trials)));
        using var after = await _host.Client.GetAsync($"/api/jobs/{id}/trials");
        using var noJob = await _host.Client.GetAsync("/api/jobs/no-such-job/trials");

        Assert.Equal(HttpStatusCode.NotFound, before.StatusCode);
        Assert.Equal($"Job '{id}' has no trials: a tune job stores its trials when its search ends.", await ServingHost.ErrorOfAsync(before));
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.Equal("application/x-ndjson; charset=utf-8", after.Content.Headers.ContentType!.ToString());
        Assert.Equal(Trials, await after.Content.ReadAsStringAsync());
        Assert.Equal("There is no job 'no-such-job'.", await ServingHost.ErrorOfAsync(noJob));
    }

    private async Task SendAsync(string version, string body, int times)
    {
        for (var i = 0; i < times; i++)
        {
            using var answer = await _host.Client.PostAsync($"/v1/models/{_model}/versions/{version}:predict", new StringContent(body, Encoding.UTF8, "application/json"));
        }
    }
}
