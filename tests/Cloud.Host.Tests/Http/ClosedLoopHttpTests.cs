using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Cloud.Host.Tests.Http;

/// <summary>
/// The closed loop in the local host, every step its own machinery: a train job submitted over HTTP runs the sample
/// trainer, its output is uploaded and registered by the store scanner, validated by the validate job registration
/// queues, promoted by the policy the job gave it (canary at 10 %), and then unlabelled predictions are answered by
/// both versions in proportion.
/// </summary>
public sealed class ClosedLoopHttpTests : IAsyncLifetime
{
    private ServingHost _host = null!;

    public async Task InitializeAsync()
    {
        _host = await ServingHost.StartOverLoopbackAsync(
            ("Cloud:Jobs:TrainersRoot", Repo.File("samples", "trainers")),
            ("Cloud:Jobs:LockDuration", "00:00:10"),
            ("Cloud:Jobs:HeartbeatInterval", "00:00:00.5"),
            ("Cloud:Jobs:ReceiveWait", "00:00:00.2"),
            ("Cloud:Jobs:PollInterval", "00:00:00.05"),
            ("Cloud:Local:ScanInterval", "00:00:00.5"));
        var data = Path.Combine(_host.DataDirectory, "models", "data");
        Directory.CreateDirectory(data);
        File.Copy(Repo.File("samples", "data", "iris.csv"), Path.Combine(data, "iris.csv"));
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private HttpClient Client => _host.Client;

    [PythonFact("numpy", "onnx")]
    public async Task ATrainedVersionIsRegisteredValidatedMadeCanaryAndServedInProportion()
    {
        (await Client.PutAsJsonAsync("/api/models/iris/labels/stable", new { version = "1.0.0" })).EnsureSuccessStatusCode();

        var submitted = await Client.PostAsJsonAsync("/api/jobs", new
        {
            kind = "train",
            model = "iris",
            version = "1.0.0",
            id = "train-closed-loop",
            spec = new
            {
                command = new[] { "logreg/train.py" },
                dataset = "data/iris.csv",
                hyperParameters = new { epochs = 300 },
                promotion = new { onValidated = new { setLabels = new[] { "canary" }, traffic = new { stable = 90, canary = 10 } } },
            },
        });
        Assert.Equal(HttpStatusCode.Created, submitted.StatusCode);

        await Eventually.TrueAsync(async () => (await GetJsonAsync("/api/jobs/train-closed-loop")).GetProperty("status").GetString() is "succeeded" or "failed", "the train job to finish");
        var job = await GetJsonAsync("/api/jobs/train-closed-loop");
        Assert.True(job.GetProperty("status").GetString() == "succeeded", job.GetRawText());

        // Registered by the scanner, validated by its own job, promoted by the policy the train job gave it.
        await Eventually.TrueAsync(async () =>
        {
            var model = await GetJsonAsync("/api/models/iris");
            return model.GetProperty("labels").EnumerateArray().Any(l => l.GetProperty("label").GetString() == "canary" && l.GetProperty("version").GetString() == "1.0.1")
                && model.GetProperty("policy").GetProperty("traffic").TryGetProperty("canary", out var weight) && weight.GetInt32() == 10;
        }, "the trained version to be validated and made canary with 10 %");
        Assert.Equal("validated", (await GetJsonAsync("/api/models/iris/versions/1.0.1")).GetProperty("status").GetString());
        await Eventually.TrueAsync(async () => (await PredictAsync()).Version == "1.0.1", "routing to send unlabelled requests to the canary");

        const int requests = 2000;
        var canary = 0;
        for (var i = 0; i < requests; i++)
        {
            var (version, status) = await PredictAsync();
            Assert.Equal(HttpStatusCode.OK, status);
            canary += version == "1.0.1" ? 1 : 0;
        }

        // Binomial(2000, 0.1): standard deviation √(2000·0.1·0.9)/2000 = 0.67 %; 4 deviations either side fail once in ~16,000 runs.
        Assert.InRange(canary / (double)requests, 0.1 - 0.027, 0.1 + 0.027);
    }

    private async Task<(string? Version, HttpStatusCode Status)> PredictAsync()
    {
        using var response = await Client.PostAsync("/v1/models/iris:predict", new StringContent("""{"instances": [[5.1, 3.5, 1.4, 0.2]]}""", Encoding.UTF8, "application/json"));
        return (response.Headers.TryGetValues("X-Cloud-Model-Version", out var values) ? values.Single() : null, response.StatusCode);
    }

    private async Task<JsonElement> GetJsonAsync(string path) => JsonDocument.Parse(await Client.GetStringAsync(path)).RootElement;
}
