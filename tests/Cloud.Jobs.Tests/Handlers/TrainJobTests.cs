using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Cloud.Jobs.Ledger;
using Cloud.Jobs.Runner;
using Cloud.Registry.Registration;
using Cloud.Sdk.Jobs;
using Cloud.Storage.Blobs;
using Cloud.Sdk.Registry;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Cloud.Jobs.Tests.Handlers;

/// <summary>
/// The train job with the sample numpy trainer (samples/trainers/logreg) on the iris data: the version it makes, its
/// lineage, its curve, and what registration and validation make of it — and that a second run of the job makes nothing new.
/// </summary>
public sealed class TrainJobTests : IAsyncDisposable
{
    private static readonly string TrainersRoot = Repo.File("samples", "trainers");
    private readonly RegistryHarness _h = new();
    private readonly JobsHarness _jobs;
    private readonly RegistrationWorkflow _workflow;

    public TrainJobTests()
    {
        _jobs = new JobsHarness(_h);
        _workflow = new RegistrationWorkflow(_h.Registration, [new ValidationScheduling(_jobs.Submitter)]);
    }

    public ValueTask DisposeAsync() => _jobs.DisposeAsync(); // and the registry

    [PythonFact("numpy", "onnx")]
    public async Task TheLogregTrainerMakesTheNextPatchWithLineageThatRegistersAndIsValidated()
    {
        await RegisterParentAsync();
        var data = File.ReadAllBytes(Repo.File("samples", "data", "iris.csv"));
        await _h.PutAsync("data/iris.csv", data);

        var job = await TrainAsync("train-iris-1", """{"command": ["logreg/train.py"], "dataset": "data/iris.csv", "hyperParameters": {"epochs": 300, "learning_rate": 0.5, "seed": 42}, "labelColumn": "species"}""", parent: "1.0.0");

        Assert.True(job.Status == JobStatus.Succeeded, $"the job is {job.Status}: {job.Error}");
        Assert.StartsWith("Trained iris 1.0.1 from 1.0.0 on 'data/iris.csv' (sha256 ", job.Summary, StringComparison.Ordinal);

        using var manifest = JsonDocument.Parse((await _h.Blobs.ReadAllBytesAsync("iris/1.0.1/model.json"))!);
        var lineage = manifest.RootElement.GetProperty("lineage");
        Assert.Equal("1.0.1", manifest.RootElement.GetProperty("version").GetString());
        Assert.Equal("train-iris-1", lineage.GetProperty("jobId").GetString());
        Assert.Equal("1.0.0", lineage.GetProperty("parentVersion").GetString());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(data)), lineage.GetProperty("datasetSha256").GetString());
        Assert.Equal(("data/iris.csv", "logreg/train.py"), (lineage.GetProperty("dataset").GetString(), lineage.GetProperty("trainer").GetString()));
        Assert.Equal(300, lineage.GetProperty("hyperParameters").GetProperty("epochs").GetInt32());
        Assert.Equal(42, lineage.GetProperty("seed").GetInt32());

        // The scanner's part: the folder registers, and the validation its manifest asks for runs and passes.
        var registered = await _workflow.HandleBlobAsync("iris/1.0.1/model.json", CancellationToken.None);
        Assert.Equal(RegistrationStatus.Registered, registered.Status);
        await _jobs.WaitForAsync(registered.ValidateJob!.Id, j => j.Status.IsFinished(), "the new version's validation");
        var version = await _h.Registry.GetVersionAsync("iris", "1.0.1");
        Assert.Equal(ModelVersionStatus.Validated, version!.Status);
        Assert.Contains("\"jobId\":\"train-iris-1\"", version.Lineage, StringComparison.Ordinal);
    }

    [PythonFact("numpy", "onnx")]
    public async Task TheTrainedModelAnswersAsTheTrainersNumpyMirrorSays()
    {
        await _h.PutAsync("data/iris.csv", File.ReadAllBytes(Repo.File("samples", "data", "iris.csv")));

        var job = await TrainAsync("train-iris-2", """{"command": ["logreg/train.py"], "dataset": "data/iris.csv", "hyperParameters": {"epochs": 200}}""");

        Assert.True(job.Status == JobStatus.Succeeded, $"the job is {job.Status}: {job.Error}");
        // expected.csv is numpy's float32 mirror of the graph, written by the trainer beside the model: ONNX Runtime
        // running the uploaded model must agree with it on the held-out rows.
        var rows = (await LinesAsync("iris/1.0.0/validation.csv")).Skip(1).Select(l => l.Split(',')).ToArray();
        var expected = (await LinesAsync("iris/1.0.0/expected.csv")).Skip(1).Select(l => l.Split(',')).ToArray();
        using var session = new InferenceSession((await _h.Blobs.ReadAllBytesAsync("iris/1.0.0/model.onnx"))!);
        var features = new DenseTensor<float>(rows.SelectMany(r => r.Take(4).Select(v => float.Parse(v, CultureInfo.InvariantCulture))).ToArray(), [rows.Length, 4]);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor("features", features)]);
        var probabilities = results.Single(r => r.Name == "probabilities").AsTensor<float>();
        var labels = results.Single(r => r.Name == "label").AsTensor<long>();
        Assert.Equal(30, rows.Length);
        for (var i = 0; i < rows.Length; i++)
        {
            for (var c = 0; c < 3; c++)
            {
                Assert.Equal(double.Parse(expected[i][c], CultureInfo.InvariantCulture), probabilities[i, c], 1e-5);
            }

            Assert.Equal(long.Parse(expected[i][3], CultureInfo.InvariantCulture), labels[i]);
        }
    }

    [PythonFact("numpy", "onnx")]
    public async Task TheCurveIsTheLinesTheTrainerWroteKeptBesideTheJob()
    {
        await _h.PutAsync("data/iris.csv", File.ReadAllBytes(Repo.File("samples", "data", "iris.csv")));

        var job = await TrainAsync("train-iris-3", """{"command": ["logreg/train.py"], "dataset": "data/iris.csv", "hyperParameters": {"epochs": 250}}""");

        Assert.True(job.Status == JobStatus.Succeeded, $"the job is {job.Status}: {job.Error}");
        var curve = (await ReadTextAsync(_jobs.Files, JobFiles.CurvePath("train-iris-3"))).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        // A point every 100 epochs and one after the last: epochs 0, 100, 200 and 249. Before the first step every
        // weight is zero, so each class has probability 1/3 and the loss is ln 3.
        Assert.Equal([0, 100, 200, 249], curve.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("epoch").GetInt32()));
        Assert.Equal(Math.Round(Math.Log(3), 6), JsonDocument.Parse(curve[0]).RootElement.GetProperty("loss").GetDouble());
        Assert.Contains("curve: 4 points", await ReadTextAsync(_jobs.Files, JobFiles.LogPath("train-iris-3", 1)), StringComparison.Ordinal);
    }

    [PythonFact("numpy", "onnx")]
    public async Task ASecondRunOfAJobThatUploadedTrainsNothingAndTakesNoNewVersion()
    {
        await _h.PutAsync("data/iris.csv", File.ReadAllBytes(Repo.File("samples", "data", "iris.csv")));
        var handler = _jobs.TrainHandler(TrainersRoot);
        var message = new JobMessage("train-twice", JobKinds.Train, "iris", null,
            JsonDocument.Parse("""{"command": ["logreg/train.py"], "dataset": "data/iris.csv", "hyperParameters": {"epochs": 50}}""").RootElement, 1);

        var first = await RunDirectlyAsync(handler, message, 1);
        var uploaded = await _h.Blobs.GetPropertiesAsync("iris/1.0.0/model.json");
        // As when a runner dies after the upload and before the row: the job runs again.
        var second = await RunDirectlyAsync(handler, message, 2);

        Assert.StartsWith("Trained iris 1.0.0 on 'data/iris.csv'", first.Summary, StringComparison.Ordinal);
        Assert.Equal("iris 1.0.0 was uploaded by an earlier run of this job; registration and validation follow", second.Summary);
        Assert.Equal(uploaded!.ETag, (await _h.Blobs.GetPropertiesAsync("iris/1.0.0/model.json"))!.ETag);
        Assert.Equal("1.0.1", await new Cloud.Registry.VersionAllocator(_h.Table, _h.Time).NextPatchAsync("iris"));
    }

    [PythonFact("numpy", "onnx")]
    public async Task ANamedVersionIsUsedAndTheParentsFilesAreTheTrainersToRead()
    {
        await RegisterParentAsync();
        await _h.PutAsync("data/iris.csv", File.ReadAllBytes(Repo.File("samples", "data", "iris.csv")));

        var job = await TrainAsync("train-iris-4", """{"command": ["logreg/train.py"], "dataset": "data/iris.csv", "version": "2.0.0-rc.1", "hyperParameters": {"epochs": 20}}""", parent: "1.0.0");

        Assert.True(job.Status == JobStatus.Succeeded, $"the job is {job.Status}: {job.Error}");
        Assert.NotNull(await _h.Blobs.GetPropertiesAsync("iris/2.0.0-rc.1/model.json"));
        Assert.Null(await _h.Blobs.GetPropertiesAsync("iris/1.0.1/model.json"));
    }

    private async Task RegisterParentAsync()
    {
        await _h.UploadIrisAsync("1.0.0");
        var outcome = await _h.Registration.RegisterAsync("iris/1.0.0/model.json");
        Assert.Equal(RegistrationStatus.Registered, outcome.Status);
    }

    private async Task<JobInfo> TrainAsync(string id, string spec, string? parent = null)
    {
        await _jobs.StartRunnerAsync([_jobs.TrainHandler(TrainersRoot), _jobs.ValidateHandler()]);

        await _jobs.Submitter.SubmitAsync(new JobMessage(id, JobKinds.Train, "iris", parent, JsonDocument.Parse(spec).RootElement, 1), CancellationToken.None);
        return await _jobs.WaitForAsync(id, j => j.Status.IsFinished(), $"train job {id} to finish");
    }

    private static async Task<JobResult> RunDirectlyAsync(Cloud.Jobs.Handlers.TrainJobHandler handler, JobMessage message, int run)
    {
        var work = Directory.CreateTempSubdirectory("cloud-train-run-");
        try
        {
            return await handler.RunAsync(new JobContext(message, run, NullLogger.Instance, work.FullName), CancellationToken.None);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private async Task<string[]> LinesAsync(string path) => (await ReadTextAsync(_h.Blobs, path)).Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private static async Task<string> ReadTextAsync(Cloud.Storage.Blobs.IBlobStore store, string path) =>
        System.Text.Encoding.UTF8.GetString((await store.ReadAllBytesAsync(path))!);
}
