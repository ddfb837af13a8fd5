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

        await Eventually.TrueAsync(async () => (await GetJsonAsync("/api/jobs/train-http-1")).GetProperty("status").GetString() is "succeeded" or "failed", "the train job to finish");
        var job = await GetJsonAsync("/api/jobs/train-http-1");
        Assert.True(job.GetProperty("status").GetString() == "succeeded", job.GetRawText());
        Assert.StartsWith("Trained iris 1.0.1 from 1.0.0 on 'data/iris.csv'", job.GetProperty("summary").GetString(), StringComparison.Ordinal);

        await Eventually.TrueAsync(async () => (await Client.GetAsync("/api/models/iris/versions/1.0.1")).IsSuccessStatusCode
            && (await GetJsonAsync("/api/models/iris/versions/1.0.1")).GetProperty("status").GetString() == "validated", "the trained version to register and validate");

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

        await Eventually.TrueAsync(async () => (await GetJsonAsync("/api/jobs/train-http-bad")).GetProperty("status").GetString() is "succeeded" or "failed", "the train job to finish");
        var job = await GetJsonAsync("/api/jobs/train-http-bad");
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

    private Task<HttpResponseMessage> PredictAsync(string path) =>
        Client.PostAsync(path, new StringContent("""{"instances": [[5.1, 3.5, 1.4, 0.2]]}""", Encoding.UTF8, "application/json"));

    private async Task<JsonElement> GetJsonAsync(string path) => JsonDocument.Parse(await Client.GetStringAsync(path)).RootElement;
}
