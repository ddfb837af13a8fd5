using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Cloud.Host.Tests.Http;

/// <summary>
/// Promotion and metric history through the local host over real HTTP on loopback: the seeded iris 1.0.0 is validated at
/// start; iris 1.1.0, uploaded with promotion.onValidated (canary, 10 %), is validated by its job and promoted; the
/// histories, the explicit promotion and the per-version request statistics are read through the management API.
/// </summary>
public sealed class PromotionHttpTests : IAsyncLifetime
{
    private const string Canary = """
        "promotion": { "onValidated": { "setLabels": ["canary"], "traffic": { "stable": 90, "canary": 10 } } },
          "lineage":
        """;

    private ServingHost _host = null!;

    public async Task InitializeAsync() => _host = await ServingHost.StartOverLoopbackAsync(
        ("Cloud:Jobs:LockDuration", "00:00:02"),
        ("Cloud:Jobs:HeartbeatInterval", "00:00:00.2"),
        ("Cloud:Jobs:ReceiveWait", "00:00:00.2"),
        ("Cloud:Jobs:PollInterval", "00:00:00.05"),
        ("Cloud:Serving:StatisticsPublishInterval", "00:00:00.2"));

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private HttpClient Client => _host.Client;

    [Fact]
    public async Task AValidatedCanaryGetsItsLabelAndTheSplitAndItsHistoriesAreServed()
    {
        Assert.Equal(HttpStatusCode.OK, (await Client.PutAsJsonAsync("/api/models/iris/labels/stable", new { version = "1.0.0" })).StatusCode);
        await _host.PushFolderAsync("iris", "1.1.0", Repo.IrisFolder, m => m.Replace("\"lineage\":", Canary, StringComparison.Ordinal));

        var job = await _host.FinishedValidateJobAsync("iris", "1.1.0");
        var model = await _host.GetJsonAsync("/api/models/iris");
        var version = await _host.GetJsonAsync("/api/models/iris/versions/1.1.0");
        var metrics = await _host.GetJsonAsync("/api/models/iris/versions/1.1.0/metrics");
        var promotions = await _host.GetJsonAsync("/api/models/iris/versions/1.1.0/promotions");

        Assert.Equal("succeeded", job.GetProperty("status").GetString());
        var labels = model.GetProperty("labels").EnumerateArray().ToDictionary(l => l.GetProperty("label").GetString()!, l => l.GetProperty("version").GetString());
        Assert.Equal(new Dictionary<string, string?> { ["canary"] = "1.1.0", ["stable"] = "1.0.0" }, labels);
        Assert.Equal("""{"stable":90,"canary":10}""", model.GetProperty("policy").GetProperty("traffic").GetRawText());

        var entry = Assert.Single(metrics.GetProperty("metrics").EnumerateArray().ToArray());
        Assert.Equal((job.GetProperty("id").GetString(), "validated", 30), (entry.GetProperty("jobId").GetString(), entry.GetProperty("outcome").GetString(), entry.GetProperty("rows").GetInt32()));
        Assert.Equal(ExpectedAccuracy(), entry.GetProperty("metrics").GetProperty("accuracy").GetDouble(), 12);
        // The version's record holds only the latest values; the history is the blob behind the route above.
        var latest = Assert.Single(version.GetProperty("metrics").EnumerateArray().ToArray());
        Assert.Equal(ExpectedAccuracy(), latest.GetProperty("values").GetProperty("accuracy").GetDouble(), 12);

        var promotion = Assert.Single(promotions.GetProperty("promotions").EnumerateArray().ToArray());
        Assert.Equal(("onValidated", "applied"), (promotion.GetProperty("trigger").GetString(), promotion.GetProperty("outcome").GetString()));
        Assert.Equal("""["label 'canary' set on 1.1.0","traffic split set to stable 90, canary 10 (was none (stable, else newest))"]""", promotion.GetProperty("steps").GetRawText());
    }

    [Fact]
    public async Task AnExplicitPromotionAppliesTheBodyAndRefusesWhatTheRulesRefuse()
    {
        var promoted = await Client.PostAsJsonAsync("/api/models/iris/versions/1.0.0/promote", new { setLabels = new[] { "stable" }, traffic = new Dictionary<string, int> { ["stable"] = 100 } });
        var again = await Client.PostAsJsonAsync("/api/models/iris/versions/1.0.0/promote", new { setLabels = new[] { "stable" } });
        var noPolicy = await Client.PostAsync("/api/models/iris/versions/1.0.0/promote", null);
        var badSplit = await Client.PostAsJsonAsync("/api/models/iris/versions/1.0.0/promote", new { traffic = new Dictionary<string, int> { ["stable"] = 50 } });
        var unknown = await Client.GetAsync("/api/models/iris/versions/9.9.9/metrics");

        Assert.Equal(HttpStatusCode.OK, promoted.StatusCode);
        Assert.Equal("""["label 'stable' set on 1.0.0","traffic split set to stable 100 (was none (stable, else newest))"]""",
            (await promoted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("steps").GetRawText());
        Assert.Equal("""["label 'stable' was already on 1.0.0"]""", (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("steps").GetRawText());
        Assert.Equal(HttpStatusCode.Conflict, noPolicy.StatusCode);
        Assert.Equal("""iris 1.0.0 has no promotion.afterSoak in its model.json; name what to apply: {"setLabels": ["stable"], "traffic": {"stable": 100}}.""", await ServingHost.ErrorOfAsync(noPolicy));
        Assert.Equal(HttpStatusCode.BadRequest, badSplit.StatusCode);
        Assert.Equal("Traffic weights must sum to 100; these sum to 50.", await ServingHost.ErrorOfAsync(badSplit));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("Model 'iris' has no version '9.9.9'.", await ServingHost.ErrorOfAsync(unknown));
        Assert.Equal(2, (await _host.GetJsonAsync("/api/models/iris/versions/1.0.0/promotions")).GetProperty("promotions").GetArrayLength());
    }

    [Fact]
    public async Task ARejectedVersionIsNotPromotedEvenWhenAskedExplicitly()
    {
        using var folder = new TempFolder();
        foreach (var file in Directory.GetFiles(Repo.IrisFolder))
        {
            File.Copy(file, Path.Combine(folder.Path, Path.GetFileName(file)));
        }

        // Every setosa row relabelled versicolor: a third of the rows are wrong, below the 0.9 threshold.
        var dataset = Path.Combine(folder.Path, "validation.csv");
        File.WriteAllLines(dataset, File.ReadAllLines(dataset).Select(l => l.Replace(",setosa", ",versicolor", StringComparison.Ordinal)));
        Assert.Equal(HttpStatusCode.OK, (await Client.PutAsJsonAsync("/api/models/iris/labels/stable", new { version = "1.0.0" })).StatusCode);
        await _host.PushFolderAsync("iris", "1.2.0", folder.Path, m => m.Replace("\"lineage\":", Canary, StringComparison.Ordinal));
        await _host.FinishedValidateJobAsync("iris", "1.2.0");

        var promote = await Client.PostAsJsonAsync("/api/models/iris/versions/1.2.0/promote", new { setLabels = new[] { "canary" } });
        var model = await _host.GetJsonAsync("/api/models/iris");

        Assert.Equal("rejected", (await _host.GetJsonAsync("/api/models/iris/versions/1.2.0")).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.Conflict, promote.StatusCode);
        Assert.Equal("iris 1.2.0 is rejected; only a servable version can take traffic.", await ServingHost.ErrorOfAsync(promote));
        Assert.Equal(1, model.GetProperty("labels").GetArrayLength()); // stable alone: no canary from the policy nor the request
        Assert.Equal("{}", model.GetProperty("policy").GetProperty("traffic").GetRawText());
        Assert.Equal("rejected", Assert.Single((await _host.GetJsonAsync("/api/models/iris/versions/1.2.0/metrics")).GetProperty("metrics").EnumerateArray().ToArray())
            .GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task PredictionsAreCountedPerVersionInStatusAndPublishedToTheSharedStore()
    {
        const int Requests = 3;
        for (var i = 0; i < Requests; i++)
        {
            var answer = await Client.PostAsync("/v2/models/iris/versions/1.0.0/infer", new StringContent(
                """{"inputs": [{"name": "features", "shape": [1, 4], "datatype": "FP32", "data": [5.1, 3.5, 1.4, 0.2]}]}"""));
            answer.EnsureSuccessStatusCode();
        }

        // A 400 after routing (a NaN the model does not allow) is the request's fault: counted apart from 5xx.
        var nan = await Client.PostAsync("/v2/models/iris/versions/1.0.0/infer", new StringContent(
            """{"inputs": [{"name": "features", "shape": [1, 4], "datatype": "FP32", "data": ["NaN", 3.5, 1.4, 0.2]}]}"""));

        var status = await _host.GetJsonAsync("/api/status");
        var iris = status.GetProperty("traffic").EnumerateArray().Single(v => v.GetProperty("version").GetString() == "1.0.0");
        var published = Path.Combine(_host.DataDirectory, "jobs", "traffic", "iris", "1.0.0");
        await Eventually.TrueAsync(() => Task.FromResult(Directory.Exists(published) && Directory.GetFiles(published).Any(f =>
            JsonDocument.Parse(File.ReadAllText(f)).RootElement.GetProperty("traffic").GetProperty("requests").GetInt32() == Requests + 1)), "the counts to be published");

        Assert.Equal(HttpStatusCode.BadRequest, nan.StatusCode);
        Assert.Equal((Requests + 1, 0, 1), (iris.GetProperty("requests").GetInt32(), iris.GetProperty("serverErrors").GetInt32(), iris.GetProperty("clientErrors").GetInt32()));
        Assert.Equal(0, iris.GetProperty("errorRate").GetDouble());
        Assert.True(iris.GetProperty("p95LatencyMs").GetDouble() > 0);
    }

    // Independently of the evaluator: the trainer's own predictions (expected.csv, numpy) against the dataset's species.
    private static double ExpectedAccuracy()
    {
        var classes = new[] { "setosa", "versicolor", "virginica" };
        var species = File.ReadAllLines(Path.Combine(Repo.IrisFolder, "validation.csv")).Skip(1).Select(l => l.Split(',')[4]).ToArray();
        var predicted = File.ReadAllLines(Path.Combine(Repo.IrisFolder, "expected.csv")).Skip(1)
            .Select(l => classes[int.Parse(l.Split(',')[3], CultureInfo.InvariantCulture)]).ToArray();
        return (double)species.Where((s, i) => predicted[i] == s).Count() / species.Length;
    }
}
