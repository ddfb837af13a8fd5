using System.Text.Json;
using Cloud.Jobs.Ledger;
using Cloud.Jobs.Runner;
using Cloud.Registry.Registration;
using Cloud.Sdk.Jobs;
using Cloud.Sdk.Registry;
using Cloud.Storage.Blobs;

namespace Cloud.Jobs.Tests.Handlers;

/// <summary>
/// The PyTorch sample trainer (samples/trainers/torch-mlp) through the train job: its ONNX export registers, its
/// validation passes, its curve has a point per epoch. Skipped, naming the package, where python3-torch is missing.
/// </summary>
public sealed class TorchMlpTrainerTests : IAsyncDisposable
{
    private readonly RegistryHarness _h = new();
    private readonly JobsHarness _jobs;

    public TorchMlpTrainerTests()
    {
        _jobs = new JobsHarness(_h);
    }

    public ValueTask DisposeAsync() => _jobs.DisposeAsync(); // and the registry

    [PythonFact("torch", "onnx")]
    public async Task TheTorchMlpTrainersExportRegistersAndIsValidated()
    {
        var workflow = new RegistrationWorkflow(_h.Registration, [new ValidationScheduling(_jobs.Submitter)]);
        await _h.PutAsync("data/iris.csv", File.ReadAllBytes(Repo.File("samples", "data", "iris.csv")));
        await _jobs.StartRunnerAsync([_jobs.TrainHandler(Repo.File("samples", "trainers")), _jobs.ValidateHandler()]);

        await _jobs.Submitter.SubmitAsync(new JobMessage("train-mlp", JobKinds.Train, "iris-mlp", null,
            JsonDocument.Parse("""{"command": ["torch-mlp/train.py"], "dataset": "data/iris.csv", "hyperParameters": {"epochs": 150}, "labelColumn": "species"}""").RootElement, 1), CancellationToken.None);
        var job = await _jobs.WaitForAsync("train-mlp", j => j.Status.IsFinished(), "the torch train job to finish");

        Assert.True(job.Status == JobStatus.Succeeded, $"the job is {job.Status}: {job.Error}\n{job.LogTail}");
        var curve = System.Text.Encoding.UTF8.GetString((await _jobs.Files.ReadAllBytesAsync(JobFiles.CurvePath("train-mlp")))!)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(Enumerable.Range(0, 150), curve.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("epoch").GetInt32()));
        var log = System.Text.Encoding.UTF8.GetString((await _jobs.Files.ReadAllBytesAsync(JobFiles.LogPath("train-mlp", 1)))!);
        Assert.Contains("trainer stdout: device: ", log, StringComparison.Ordinal);

        var registered = await workflow.HandleBlobAsync("iris-mlp/1.0.0/model.json", CancellationToken.None);
        Assert.True(registered.Status == RegistrationStatus.Registered, registered.Message);
        await _jobs.WaitForAsync(registered.ValidateJob!.Id, j => j.Status.IsFinished(), "the trained version's validation");
        Assert.Equal(ModelVersionStatus.Validated, (await _h.Registry.GetVersionAsync("iris-mlp", "1.0.0"))!.Status);
    }
}
