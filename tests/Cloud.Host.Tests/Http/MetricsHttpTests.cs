using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace Cloud.Host.Tests.Http;

/// <summary>
/// The Prometheus endpoint after a scripted load: the request counts it shows per version and status are the ones the
/// load sent. The model has a name of its own, because the rooms' instruments are process-wide and other tests serve
/// iris beside this one.
/// </summary>
public sealed partial class MetricsHttpTests : IAsyncLifetime
{
    private const string TfBody = """{"instances": [[5.1, 3.5, 1.4, 0.2]]}""";
    private const string OipBody = """{"inputs": [{"name": "features", "shape": [1, 4], "datatype": "FP32", "data": [5.1, 3.5, 1.4, 0.2]}]}""";
    private readonly string _model = $"metrics-{Guid.NewGuid():N}"[..20];
    private ServingHost _host = null!;

    public async Task InitializeAsync()
    {
        _host = await ServingHost.StartAsync();
        foreach (var version in new[] { "1.0.0", "2.0.0" })
        {
            Assert.Contains("\"registration\":\"registered\"", await _host.PushFolderAsync(_model, version, Repo.IrisFolder), StringComparison.Ordinal);
        }
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task MetricsCountTheRequestsTheLoadSentPerVersionRouteAndStatus()
    {
        const int toVersionOne = 7, toVersionTwo = 5, badToVersionTwo = 3, byLabel = 4;
        await SetLabelAsync("canary", "1.0.0");
        for (var i = 0; i < toVersionOne; i++)
        {
            await PostAsync($"/v1/models/{_model}/versions/1.0.0:predict", TfBody, HttpStatusCode.OK);
        }

        for (var i = 0; i < toVersionTwo; i++)
        {
            await PostAsync($"/v2/models/{_model}/versions/2.0.0/infer", OipBody, HttpStatusCode.OK);
        }

        for (var i = 0; i < badToVersionTwo; i++)
        {
            await PostAsync($"/v1/models/{_model}/versions/2.0.0:predict", """{"instances": [[5.1, 3.5""", HttpStatusCode.BadRequest);
        }

        for (var i = 0; i < byLabel; i++)
        {
            await PostAsync($"/v1/models/{_model}/labels/canary:predict", TfBody, HttpStatusCode.OK);
        }

        // Unrouted: no version to count it under, so it must not appear in the per-version metric.
        await PostAsync($"/v1/models/{_model}/versions/9.9.9:predict", TfBody, HttpStatusCode.NotFound);

        var expected = new Dictionary<(string Version, string Route, string Status), long>
        {
            [("1.0.0", "version", "200")] = toVersionOne,
            [("2.0.0", "version", "200")] = toVersionTwo,
            [("2.0.0", "version", "400")] = badToVersionTwo,
            [("1.0.0", "label:canary", "200")] = byLabel,
        };
        // A 400 is answered (and can reach the client) a moment before its request is counted, and the exporter
        // caches a scrape briefly: read until the counts settle, then compare what was read last.
        var counts = RequestCounts(await ScrapeAsync());
        for (var reads = 1; reads < 100 && !expected.OrderBy(e => e.Key).SequenceEqual(counts.OrderBy(e => e.Key)); reads++)
        {
            await Task.Delay(50);
            counts = RequestCounts(await ScrapeAsync());
        }

        Assert.Equal(expected.OrderBy(e => e.Key), counts.OrderBy(e => e.Key));
    }

    [Fact]
    public async Task ThePrometheusTextHasTheBatcherAndCacheInstruments()
    {
        await PostAsync($"/v1/models/{_model}/versions/1.0.0:predict", TfBody, HttpStatusCode.OK);

        string text = "";
        await Eventually.TrueAsync(async () => (text = await ScrapeAsync()).Contains($"model_name=\"{_model}\"", StringComparison.Ordinal), "the model in the scrape");

        // One batch of one row ran for version 1.0.0, after one load of it.
        Assert.Equal(1, Sample(text, "cloud_serving_batch_size_count", "1.0.0"));
        Assert.Equal(1, Sample(text, "cloud_serving_batch_size_sum", "1.0.0"));
        Assert.Equal(1, Sample(text, "cloud_serving_queue_wait_seconds_count", "1.0.0"));
        Assert.Equal(1, Sample(text, "cloud_serving_run_duration_seconds_count", "1.0.0"));
        Assert.Equal(0, Sample(text, "cloud_serving_queue_depth", "1.0.0"));
        Assert.Matches(new Regex(Line("cloud_serving_model_loads_total", "1.0.0") + @"(?=[^}]*model_load_outcome=""loaded"")[^}]*\} 1$", RegexOptions.Multiline), text);
    }

    [Fact]
    public async Task WithTelemetryOffThereIsNoMetricsEndpoint()
    {
        await using var off = await ServingHost.StartAsync(("Cloud:Telemetry:Enabled", "false"));

        var response = await off.Client.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private async Task PostAsync(string path, string body, HttpStatusCode expected)
    {
        using var response = await _host.Client.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(expected, response.StatusCode);
    }

    private async Task SetLabelAsync(string label, string version)
    {
        using var response = await _host.Client.PutAsync($"/api/models/{_model}/labels/{label}", new StringContent($$"""{"version": "{{version}}"}""", Encoding.UTF8, "application/json"));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private Task<string> ScrapeAsync() => _host.Client.GetStringAsync("/metrics");

    /// <summary>cloud_serving_request_duration_seconds_count of this test's model, by version, route and status.</summary>
    private Dictionary<(string, string, string), long> RequestCounts(string text)
    {
        var counts = new Dictionary<(string, string, string), long>();
        foreach (Match line in SampleLine().Matches(text))
        {
            if (line.Groups["name"].Value != "cloud_serving_request_duration_seconds_count")
            {
                continue;
            }

            var labels = LabelPair().Matches(line.Groups["labels"].Value).ToDictionary(l => l.Groups[1].Value, l => l.Groups[2].Value);
            if (labels.GetValueOrDefault("model_name") == _model)
            {
                counts.Add((labels["model_version"], labels["model_route"], labels["http_response_status_code"]), long.Parse(line.Groups["value"].Value, System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return counts;
    }

    private double Sample(string text, string name, string version)
    {
        var match = Regex.Match(text, Line(name, version) + @"[^}]*\} (?<value>\S+)", RegexOptions.Multiline);
        Assert.True(match.Success, $"{name} of {_model} {version} is not in the scrape:\n{text}");
        return double.Parse(match.Groups["value"].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    private string Line(string name, string version) =>
        $@"^{name}\{{(?=[^}}]*model_name=""{Regex.Escape(_model)}"")(?=[^}}]*model_version=""{Regex.Escape(version)}"")";

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)\{(?<labels>[^}]*)\} (?<value>\S+)", RegexOptions.Multiline)]
    private static partial Regex SampleLine();

    [GeneratedRegex(@"([a-zA-Z_][a-zA-Z0-9_]*)=""((?:[^""\\]|\\.)*)""")]
    private static partial Regex LabelPair();
}
