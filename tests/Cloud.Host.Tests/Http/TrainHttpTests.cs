using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Cloud.Host.Tests.Http;

/// <summary>
/// A train job through the local host on loopback: submitted with POST /api/jobs, run by the in-process runner with the
/// sample numpy trainer, its output registered by the store scanner and validated by its own job, and served — while a
/// train job that fails leaves the host serving as before.
/// </summary>
public sealed class TrainHttpTests : IAsyncLifetime
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

        // The training data, written into the models container as a storage tool would (it is no model folder).
        var data = Path.Combine(_host.DataDirectory, "models", "data");
        Directory.CreateDirectory(data);
        File.Copy(Repo.File("samples", "data", "iris.csv"), Path.Combine(data, "iris.csv"));
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private HttpClient Client => _host.Client;

    [PythonFact("numpy", "onnx")]
    public async Task ATrainJobsVersionIsRegisteredValidatedAndServedBesideItsParent()
    {
        var submitted = await Client.PostAsJsonAsync("/api/jobs", new
        {
            kind = "train",
            model = "iris",
            version = "1.0.0",
            id = "train-http-1",
            spec = new { command = new[] { "logreg/train.py" }, dataset = "data/iris.csv", hyperParameters = new { epochs = 300 } },
        });
        Assert.Equal(HttpStatusCode.Created, submitted.StatusCode);

        await Eventually.TrueAsync(async () => (await _host.GetJsonAsync("/api/jobs/train-http-1")).GetProperty("status").GetString() is "succeeded" or "failed", "the train job to finish");
        var job = await _host.GetJsonAsync("/api/jobs/train-http-1");
        Assert.True(job.GetProperty("status").GetString() == "succeeded", job.GetRawText());
        Assert.StartsWith("Trained iris 1.0.1 from 1.0.0 on 'data/iris.csv'", job.GetProperty("summary").GetString(), StringComparison.Ordinal);

        await Eventually.TrueAsync(async () => (await Client.GetAsync("/api/models/iris/versions/1.0.1")).IsSuccessStatusCode
            && (await _host.GetJsonAsync("/api/models/iris/versions/1.0.1")).GetProperty("status").GetString() == "validated", "the trained version to register and validate");

        var curve = await Client.GetAsync("/api/jobs/train-http-1/curve");
        Assert.Equal(HttpStatusCode.OK, curve.StatusCode);
        Assert.Equal(4, (await curve.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);

        // Both versions answer: the new one by its version, the parent as before.
        foreach (var path in new[] { "/v1/models/iris/versions/1.0.1:predict", "/v1/models/iris/versions/1.0.0:predict" })
        {
            var response = await PredictAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        }
    }

    /// <summary>
    /// The closed loop, every step its own machinery: the train job's output registered by the store scanner, validated
    /// by the job registration queues, promoted by the policy the train job gave it (canary at 10 %), then unlabelled
    /// predictions answered by both versions in proportion.
    /// </summary>
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

        await Eventually.TrueAsync(async () => (await _host.GetJsonAsync("/api/jobs/train-closed-loop")).GetProperty("status").GetString() is "succeeded" or "failed", "the train job to finish");
        var job = await _host.GetJsonAsync("/api/jobs/train-closed-loop");
        Assert.True(job.GetProperty("status").GetString() == "succeeded", job.GetRawText());

        // Registered by the scanner, validated by its own job, promoted by the policy the train job gave it.
        await Eventually.TrueAsync(async () =>
        {
            var model = await _host.GetJsonAsync("/api/models/iris");
            return model.GetProperty("labels").EnumerateArray().Any(l => l.GetProperty("label").GetString() == "canary" && l.GetProperty("version").GetString() == "1.0.1")
                && model.GetProperty("policy").GetProperty("traffic").TryGetProperty("canary", out var weight) && weight.GetInt32() == 10;
        }, "the trained version to be validated and made canary with 10 %");
        Assert.Equal("validated", (await _host.GetJsonAsync("/api/models/iris/versions/1.0.1")).GetProperty("status").GetString());
        await Eventually.TrueAsync(async () => (await PredictUnlabelledAsync()).Version == "1.0.1", "routing to send unlabelled requests to the canary");

        const int requests = 2000;
        var canary = 0;
        for (var i = 0; i < requests; i++)
        {
            var (version, status) = await PredictUnlabelledAsync();
            Assert.Equal(HttpStatusCode.OK, status);
            canary += version == "1.0.1" ? 1 : 0;
        }

        // Binomial(2000, 0.1): standard deviation √(2000·0.1·0.9)/2000 = 0.67 %; 4 deviations either side fail once in ~16,000 runs.
        Assert.InRange(canary / (double)requests, 0.1 - 0.027, 0.1 + 0.027);
    }

    [Fact]
    public async Task AFailingTrainJobFailsWithItsReasonAndTheHostKeepsServing()
    {
        var submitted = await Client.PostAsJsonAsync("/api/jobs", new
        {
            kind = "train",
            model = "iris",
            id = "train-http-bad",
            spec = new { command = new[] { "logreg/train.py" }, dataset = "data/none.csv" },
        });
        Assert.Equal(HttpStatusCode.Created, submitted.StatusCode);

        await Eventually.TrueAsync(async () => (await _host.GetJsonAsync("/api/jobs/train-http-bad")).GetProperty("status").GetString() is "succeeded" or "failed", "the train job to finish");
        var job = await _host.GetJsonAsync("/api/jobs/train-http-bad");
        var noCurve = await Client.GetAsync("/api/jobs/train-http-bad/curve");

        Assert.Equal("failed", job.GetProperty("status").GetString());
        Assert.StartsWith("Dataset 'data/none.csv' does not exist in the model store (", job.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, noCurve.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PredictAsync("/v1/models/iris:predict")).StatusCode);
    }

    [Fact]
    public async Task ATrainJobWithABadSpecIsRefusedAtSubmission()
    {
        var response = await Client.PostAsJsonAsync("/api/jobs", new { kind = "train", model = "iris", spec = new { command = "logreg/train.py; rm -rf /", dataset = "data/iris.csv" } });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith("A train job's spec.command is an array of 1 to 64 non-empty strings", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    private async Task<(string? Version, HttpStatusCode Status)> PredictUnlabelledAsync()
    {
        using var response = await PredictAsync("/v1/models/iris:predict");
        return (response.Headers.TryGetValues("X-Cloud-Model-Version", out var values) ? values.Single() : null, response.StatusCode);
    }

    private Task<HttpResponseMessage> PredictAsync(string path) =>
        Client.PostAsync(path, new StringContent("""{"instances": [[5.1, 3.5, 1.4, 0.2]]}""", Encoding.UTF8, "application/json"));

}
