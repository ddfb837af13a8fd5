using System.Security.Cryptography;
using Cloud.Registry.Registration;
using Cloud.Sdk.Registry;

namespace Cloud.Registry.Tests.Registration;

public sealed class RegistrationTests : IDisposable
{
    private readonly RegistryHarness _h = new();

    public void Dispose() => _h.Dispose();

    [Fact]
    public async Task IrisRegistersWithItsSignatureAndSha256()
    {
        await _h.UploadIrisAsync();

        var outcome = await _h.Registration.RegisterAsync("iris/1.0.0/model.json");

        // Independent expectations: the file's own hash, and the graph the trainer wrote (opset 17, [batch,4] in).
        var sha = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(Repo.IrisFolder, "model.onnx"))));
        Assert.Equal(RegistrationStatus.Registered, outcome.Status);
        var version = await _h.Registry.GetVersionAsync("iris", "1.0.0");
        Assert.NotNull(version);
        Assert.Equal(ModelVersionStatus.Registered, version.Status);
        Assert.Equal(sha, version.Sha256);
        Assert.Equal(new FileInfo(Path.Combine(Repo.IrisFolder, "model.onnx")).Length, version.Size);
        var signature = version.Signature!;
        var input = Assert.Single(signature.Inputs);
        Assert.Equal(("features", "float32"), (input.Name, input.ElementType));
        Assert.Equal([-1L, 4L], input.Shape);
        Assert.Equal(["probabilities", "label"], signature.Outputs.Select(o => o.Name));
        Assert.Equal(["float32", "int64"], signature.Outputs.Select(o => o.ElementType));
        Assert.Equal(17, signature.Opsets[""]);
        Assert.Equal(8, signature.IrVersion);
        Assert.Equal("cloud-samples-logreg 1.0", signature.Producer);
        Assert.Contains("samples/trainers/logreg/train.py", version.Lineage, StringComparison.Ordinal);
        Assert.Equal(["iris"], await _h.Registry.ListModelsAsync());

        // The iris manifest asks for validation, so a validate job comes back, keyed by the content.
        Assert.NotNull(outcome.ValidateJob);
        Assert.Equal($"validate-iris-1.0.0-{sha[..12]}", outcome.ValidateJob.Id);
        Assert.Equal(("validate", "iris", "1.0.0", 1), (outcome.ValidateJob.Kind, outcome.ValidateJob.Model, outcome.ValidateJob.Version, outcome.ValidateJob.Attempt));
    }

    [Fact]
    public async Task RegisteringTheSameFolderAgainChangesNothing()
    {
        await _h.UploadIrisAsync();
        var first = await _h.Registration.RegisterAsync("iris/1.0.0/model.json");
        var before = await _h.Table.GetAsync("iris", "v|1.0.0");

        _h.Time.Advance(TimeSpan.FromHours(1));
        var again = await _h.Registration.RegisterAsync("iris/1.0.0/model.json");
        var viaOtherFile = await _h.Registration.RegisterAsync("iris/1.0.0/model.onnx");

        Assert.Equal(RegistrationStatus.Unchanged, again.Status);
        Assert.Equal(RegistrationStatus.Unchanged, viaOtherFile.Status);
        // The same validate job is announced again (the queue keeps one per id), so a retry after a failed enqueue loses nothing.
        Assert.NotNull(first.ValidateJob);
        Assert.Equal(first.ValidateJob, again.ValidateJob);
        Assert.Equal(first.ValidateJob, viaOtherFile.ValidateJob);
        Assert.Equal(before!.ETag, (await _h.Table.GetAsync("iris", "v|1.0.0"))!.ETag);
    }

    [Fact]
    public async Task ReuploadingIdenticalBytesIsStillTheSameVersion()
    {
        await _h.UploadIrisAsync();
        await _h.Registration.RegisterAsync("iris/1.0.0/model.json");

        await _h.UploadIrisAsync(); // new ETags, same bytes
        var outcome = await _h.Registration.RegisterAsync("iris/1.0.0/model.json");

        Assert.Equal(RegistrationStatus.Unchanged, outcome.Status);
        Assert.Empty((await _h.Registry.GetVersionAsync("iris", "1.0.0"))!.Refusals);
    }

    [Fact]
    public async Task AChangedModelUnderAnExistingVersionIsRefusedAndRecorded()
    {
        await _h.UploadIrisAsync();
        await _h.Registration.RegisterAsync("iris/1.0.0/model.json");
        var original = await _h.Registry.GetVersionAsync("iris", "1.0.0");

        var other = File.ReadAllBytes(SampleModels.Tiny("metadata.onnx"));
        await _h.PutAsync("iris/1.0.0/model.onnx", other);
        var outcome = await _h.Registration.RegisterAsync("iris/1.0.0/model.onnx");

        var otherSha = Convert.ToHexStringLower(SHA256.HashData(other));
        Assert.Equal(RegistrationStatus.Refused, outcome.Status);
        Assert.Equal($"Refused: a different model file (sha256 {otherSha}) was uploaded under existing version 1.0.0; versions are immutable, so upload it as a new version.", outcome.Message);
        var after = await _h.Registry.GetVersionAsync("iris", "1.0.0");
        Assert.Equal(ModelVersionStatus.Registered, after!.Status);
        Assert.Equal(original!.Sha256, after.Sha256);
        Assert.EndsWith(outcome.Message, Assert.Single(after.Refusals), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AManifestThatArrivesFirstWaitsForTheModelAndEndsRegistered()
    {
        await _h.PutIrisDatasetAsync();
        await _h.PutTextAsync("iris/1.0.0/model.json", SampleModels.IrisManifest());
        var early = await _h.Registration.RegisterAsync("iris/1.0.0/model.json");
        var rowWhileWaiting = await _h.Registry.GetVersionAsync("iris", "1.0.0");

        _h.Time.Advance(TimeSpan.FromSeconds(5));
        await _h.PutAsync("iris/1.0.0/model.onnx", File.ReadAllBytes(Path.Combine(Repo.IrisFolder, "model.onnx")));
        var late = await _h.Registration.RegisterAsync("iris/1.0.0/model.onnx");

        Assert.Equal(RegistrationStatus.Pending, early.Status);
        Assert.StartsWith("Model file 'model.onnx' is not in iris/1.0.0/; waiting for the upload to finish", early.Message, StringComparison.Ordinal);
        Assert.Null(rowWhileWaiting); // waiting is not a failure: nothing is recorded yet
        Assert.Equal(RegistrationStatus.Registered, late.Status);
        Assert.Equal(ModelVersionStatus.Registered, (await _h.Registry.GetVersionAsync("iris", "1.0.0"))!.Status);
    }

    [Fact]
    public async Task AModelStillMissingAfterTheWaitFailsWithThatReasonAndAFixedUploadRecovers()
    {
        await _h.PutIrisDatasetAsync();
        await _h.PutTextAsync("iris/1.0.0/model.json", SampleModels.IrisManifest());
        _h.Time.Advance(TimeSpan.FromMinutes(11));

        var failed = await _h.Registration.RegisterAsync("iris/1.0.0/model.json");

        Assert.Equal(RegistrationStatus.Failed, failed.Status);
        Assert.Equal("Model file 'model.onnx' is not in iris/1.0.0/ 11 min after model.json was uploaded; the folder was given 10 min to complete.", failed.Message);
        var row = await _h.Registry.GetVersionAsync("iris", "1.0.0");
        Assert.Equal((ModelVersionStatus.Failed, failed.Message), (row!.Status, row.FailureReason));

        // The failed version never served, so the completed upload may still register under it.
        await _h.PutAsync("iris/1.0.0/model.onnx", File.ReadAllBytes(Path.Combine(Repo.IrisFolder, "model.onnx")));
        var recovered = await _h.Registration.RegisterAsync("iris/1.0.0/model.onnx");
        Assert.Equal(RegistrationStatus.Registered, recovered.Status);
        Assert.Equal(row.CreatedAt, (await _h.Registry.GetVersionAsync("iris", "1.0.0"))!.CreatedAt);
    }

    [Fact]
    public async Task ConcurrentEventsForOneFolderRegisterItOnce()
    {
        await _h.UploadIrisAsync();

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            Task.Run(() => _h.Registration.RegisterAsync(i % 2 == 0 ? "iris/1.0.0/model.json" : "iris/1.0.0/model.onnx"))));

        Assert.Single(outcomes, o => o.Status == RegistrationStatus.Registered);
        Assert.All(outcomes, o => Assert.True(o.Status is RegistrationStatus.Registered or RegistrationStatus.Unchanged, o.Message));
        // Every outcome names the one validate job; enqueueing it is idempotent by its id.
        Assert.Single(outcomes.Select(o => o.ValidateJob).Distinct());
        Assert.NotNull(outcomes[0].ValidateJob);
    }

    [Fact]
    public async Task ARepeatedEventForAFailedFolderAnswersWithTheRecordedFailure()
    {
        await _h.PutAsync("iris/1.0.0/model.onnx", UnknownOperatorModel());
        await _h.PutTextAsync("iris/1.0.0/model.json", SampleModels.IrisManifest());
        var first = await _h.Registration.RegisterAsync("iris/1.0.0/model.json");

        var again = await _h.Registration.RegisterAsync("iris/1.0.0/model.onnx");

        Assert.Equal(RegistrationStatus.Failed, first.Status);
        Assert.Equal((RegistrationStatus.Failed, first.Message), (again.Status, again.Message));
    }

    [Fact]
    public async Task AnEventThatLosesTheRaceToRecordAFailedFolderAnswersWithThatFailure()
    {
        await _h.PutAsync("iris/1.0.0/model.onnx", UnknownOperatorModel());
        await _h.PutTextAsync("iris/1.0.0/model.json", SampleModels.IrisManifest());
        var interleaving = new Registry.InterleavingTableStore(_h.Table);
        var late = _h.NewRegistration(new ModelRegistry(interleaving, _h.Time));
        RegistrationOutcome? early = null;
        // The worst moment: the late event has concluded "failed" and is about to insert its row when the early one records it.
        interleaving.BeforeNextInsert = async () => early = await _h.Registration.RegisterAsync("iris/1.0.0/model.json");

        var outcome = await late.RegisterAsync("iris/1.0.0/model.onnx");

        var recorded = (await _h.Registry.GetVersionAsync("iris", "1.0.0"))!;
        Assert.Equal(RegistrationStatus.Failed, early!.Status);
        Assert.Equal(ModelVersionStatus.Failed, recorded.Status);
        Assert.Equal((RegistrationStatus.Failed, recorded.FailureReason), (outcome.Status, outcome.Message));
    }

    private static byte[] UnknownOperatorModel() =>
        OnnxModelBuilder.Model("NoSuchOperator", new OnnxModelBuilder.Input("features", TensorElementType.Float, "batch", 4L));
}
