using System.Security.Cryptography;
using Cloud.Registry.Registered;
using Cloud.Registry.Registration;
using Cloud.Registry.Tests.Registry;
using Cloud.Sdk.Registry;
using Cloud.Storage.Blobs;

namespace Cloud.Registry.Tests.Registration;

/// <summary>
/// Registration copies every file a version serves from into the registered container, under its SHA-256, and records
/// them on the row: what an upload into the folder later does never reaches those copies. Retried after a crash at any
/// point, it converges; the dataset is a file of the folder, waited for like the model file.
/// </summary>
public sealed class RegisteredCopiesTests : IDisposable
{
    private const string WarmUp = """{"inputs": [{"name": "features", "shape": [1, 4], "datatype": "FP32", "data": [5.1, 3.5, 1.4, 0.2]}]}""";

    private readonly RegistryHarness _h = new();

    public void Dispose() => _h.Dispose();

    [Fact]
    public async Task EveryFileTheVersionServesFromIsCopiedUnderItsHashAndNamedOnTheRow()
    {
        await UploadIrisWithWarmUpAsync();

        var outcome = await _h.Registration.RegisterAsync("iris/1.0.0/model.json");

        Assert.Equal(RegistrationStatus.Registered, outcome.Status);
        var files = await FilesAsync();
        Assert.Equal(["model.json", "model.onnx", "validation.csv", "warmup.json"], files.Sha256ByName.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, sha256) in files.Sha256ByName)
        {
            // Independent of the code under test: the folder's bytes, their hash, and the copy's bytes by that hash.
            var uploaded = await _h.Blobs.ReadAllBytesAsync($"iris/1.0.0/{name}");
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(uploaded!)), sha256);
            Assert.Equal(uploaded, await _h.Registered.ReadAllBytesAsync($"sha256/{sha256}"));
        }
    }

    [Fact]
    public async Task AnOverwrittenFolderLeavesTheCopiesAsRegistered()
    {
        await UploadIrisWithWarmUpAsync();
        await _h.Registration.RegisterAsync("iris/1.0.0/model.json");
        var before = await FilesAsync();

        // A storage tool writes other bytes into every file of the registered folder.
        await _h.PutAsync("iris/1.0.0/model.onnx", File.ReadAllBytes(SampleModels.Tiny("metadata.onnx")));
        await _h.PutTextAsync("iris/1.0.0/validation.csv", "sepal_length,sepal_width,petal_length,petal_width,species\n");
        await _h.PutTextAsync("iris/1.0.0/warmup.json", "{}");
        var refused = await _h.Registration.RegisterAsync("iris/1.0.0/model.onnx");

        Assert.Equal(RegistrationStatus.Refused, refused.Status);
        Assert.Equal(before.Sha256ByName, (await FilesAsync()).Sha256ByName);
        Assert.Equal(File.ReadAllBytes(Path.Combine(Repo.IrisFolder, "model.onnx")), await _h.Content.ReadAllBytesAsync(before, "model.onnx"));
        Assert.Equal(File.ReadAllBytes(Path.Combine(Repo.IrisFolder, "validation.csv")), await _h.Content.ReadAllBytesAsync(before, "validation.csv"));
    }

    [Fact]
    public async Task AFolderWaitsForItsValidationDatasetAndFailsWhenItNeverComesThenRecoversWhenItDoes()
    {
        await _h.PutAsync("iris/1.0.0/model.onnx", File.ReadAllBytes(Path.Combine(Repo.IrisFolder, "model.onnx")));
        await _h.PutTextAsync("iris/1.0.0/model.json", SampleModels.IrisManifest());

        var early = await _h.Registration.RegisterAsync("iris/1.0.0/model.json");
        _h.Time.Advance(TimeSpan.FromMinutes(11));
        var failed = await _h.Registration.RegisterAsync("iris/1.0.0/model.json");
        await _h.PutIrisDatasetAsync();
        var recovered = await _h.Registration.RegisterAsync("iris/1.0.0/validation.csv");

        Assert.Equal(RegistrationStatus.Pending, early.Status);
        Assert.StartsWith("Validation dataset 'validation.csv' is not in iris/1.0.0/; waiting for the upload to finish", early.Message, StringComparison.Ordinal);
        Assert.Equal((RegistrationStatus.Failed, "Validation dataset 'validation.csv' is not in iris/1.0.0/ 11 min after model.json was uploaded; the folder was given 10 min to complete."),
            (failed.Status, failed.Message));
        Assert.Equal(RegistrationStatus.Registered, recovered.Status);
        Assert.Contains("validation.csv", (await FilesAsync()).Sha256ByName.Keys);
    }

    [Fact]
    public async Task ACrashBetweenCopyingAndRecordingConvergesOnTheRetry()
    {
        await _h.UploadIrisAsync();
        var crashing = new InterleavingTableStore(_h.Table) { BeforeNextInsert = () => throw new IOException("the process was killed") };

        await Assert.ThrowsAsync<IOException>(() => _h.NewRegistration(new ModelRegistry(crashing, _h.Time)).RegisterAsync("iris/1.0.0/model.json"));
        var rowAfterCrash = await _h.Registry.GetVersionAsync("iris", "1.0.0");
        var copiesAfterCrash = await ListAsync(_h.Registered);
        var retried = await _h.Registration.RegisterAsync("iris/1.0.0/model.json");

        Assert.Null(rowAfterCrash);
        Assert.Equal(3, copiesAfterCrash.Count); // model file, manifest, dataset
        Assert.Equal(RegistrationStatus.Registered, retried.Status);
        Assert.Equal(copiesAfterCrash, await ListAsync(_h.Registered)); // found whole and left as they were
        Assert.Equal(copiesAfterCrash.Keys.Order(StringComparer.Ordinal),
            (await FilesAsync()).Sha256ByName.Values.Select(RegisteredContent.PathOf).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ACopyOfTheWrongSizeUnderAHashIsReplacedByTheRegisteredBytes()
    {
        // What a tool writing into the registered container could leave under a name registration is about to use.
        var model = File.ReadAllBytes(Path.Combine(Repo.IrisFolder, "model.onnx"));
        var path = RegisteredContent.PathOf(Convert.ToHexStringLower(SHA256.HashData(model)));
        await _h.Registered.PutAsync(path, new MemoryStream(model[..100]));
        await _h.UploadIrisAsync();

        var outcome = await _h.Registration.RegisterAsync("iris/1.0.0/model.json");

        Assert.Equal(RegistrationStatus.Registered, outcome.Status);
        Assert.Equal(model, await _h.Registered.ReadAllBytesAsync(path));
    }

    [Fact]
    public async Task AVersionRegisteredBeforeCopiesWereKeptGetsThemFromItsUnchangedFolder()
    {
        await _h.UploadIrisAsync();
        await _h.Registration.RegisterAsync("iris/1.0.0/model.json");
        // The row as hosts before registered copies wrote it: the same, without Files.
        var row = (await _h.Registry.GetVersionRowAsync("iris", "1.0.0", CancellationToken.None))!;
        row.Properties.Remove("Files");
        await _h.Table.UpdateAsync(row, row.ETag);

        var outcome = await _h.Registration.RegisterAsync("iris/1.0.0/model.json");

        Assert.Equal((RegistrationStatus.Unchanged, "iris 1.0.0 is already registered with this content; its files were copied for serving."), (outcome.Status, outcome.Message));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(Repo.IrisFolder, "model.onnx")))), (await FilesAsync()).Sha256Of("model.onnx"));
        Assert.Equal(ModelVersionStatus.Registered, (await _h.Registry.GetVersionAsync("iris", "1.0.0"))!.Status);
    }

    [Fact]
    public async Task ARegisteredCopyChangedInTheRegisteredContainerIsNotServedAsTheRegisteredBytes()
    {
        await _h.UploadIrisAsync();
        await _h.Registration.RegisterAsync("iris/1.0.0/model.json");
        var files = await FilesAsync();
        var manifest = RegisteredContent.PathOf(files.Sha256Of("model.json")!);
        var stored = (await _h.Registered.GetPropertiesAsync(manifest))!;
        await _h.Registered.PutAsync(manifest, new MemoryStream("{}"u8.ToArray()), BlobWriteConditions.IfMatch(stored.ETag));

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => _h.Content.ReadAllBytesAsync(files, "model.json"));

        Assert.Equal($"The registered copy of iris/1.0.0/model.json has SHA-256 {Convert.ToHexStringLower(SHA256.HashData("{}"u8))}, but {files.Sha256Of("model.json")} was registered: the copy ({manifest}) was changed in the registered container.",
            error.Message);
    }

    private async Task UploadIrisWithWarmUpAsync()
    {
        await _h.UploadIrisAsync();
        await _h.PutTextAsync("iris/1.0.0/warmup.json", WarmUp);
        await _h.PutTextAsync("iris/1.0.0/model.json",
            SampleModels.IrisManifest().Replace("\"modelFile\": \"model.onnx\",", "\"modelFile\": \"model.onnx\", \"warmUp\": \"warmup.json\",", StringComparison.Ordinal));
    }

    private async Task<RegisteredFiles> FilesAsync() =>
        RegistryRows.FilesOf((await _h.Registry.GetVersionRowAsync("iris", "1.0.0", CancellationToken.None))!)!;

    private static async Task<Dictionary<string, string>> ListAsync(FileSystemBlobStore store)
    {
        var blobs = new Dictionary<string, string>(StringComparer.Ordinal);
        await foreach (var blob in store.ListAsync(""))
        {
            blobs[blob.Path] = blob.ETag.ToString();
        }

        return blobs;
    }
}
