using Cloud.Registry;
using Cloud.Sdk.Registry;

namespace Cloud.Functions.Tests;

/// <summary>
/// The timer sweep on Azurite: a folder whose model.json never arrives is recorded as failed once its wait has run
/// out, though no event came after its first file; a complete folder whose events were all lost registers; recorded
/// versions are left alone.
/// </summary>
public sealed class SweepUnrecordedFoldersTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>, IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(2);
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..8];
    private FunctionsApp _app = null!;

    public async Task InitializeAsync() =>
        _app = await FunctionsApp.StartAsync(azurite, _suffix, ("Cloud:Registration:IncompleteFolderWait", Wait.ToString()));

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private ModelRegistry Registry => _app.Services.GetRequiredService<ModelRegistry>();

    [Fact]
    public async Task AFolderWhoseManifestNeverArrivesIsRecordedAsFailedAfterItsWait()
    {
        await _app.UploadAndTriggerAsync("iris/1.0.0/model.onnx", File.ReadAllBytes(Path.Combine(Repo.IrisFolder, "model.onnx")));
        await _app.SweepAsync();
        Assert.Null(await Registry.GetVersionAsync("iris", "1.0.0")); // within its wait: still pending, nothing recorded

        await Task.Delay(Wait + TimeSpan.FromSeconds(1));
        await _app.SweepAsync();

        var version = await Registry.GetVersionAsync("iris", "1.0.0");
        Assert.Equal(ModelVersionStatus.Failed, version!.Status);
        Assert.Contains("has no model.json", version.FailureReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACompleteFolderWhoseEventsWereLostRegisters()
    {
        foreach (var file in new[] { "model.onnx", "validation.csv" })
        {
            await _app.Models.GetBlobClient("iris/1.0.0/" + file).UploadAsync(new BinaryData(File.ReadAllBytes(Path.Combine(Repo.IrisFolder, file))));
        }

        await _app.Models.GetBlobClient("iris/1.0.0/model.json").UploadAsync(new BinaryData(SampleModels.IrisManifest()));

        await _app.SweepAsync();

        Assert.Equal(ModelVersionStatus.Registered, (await Registry.GetVersionAsync("iris", "1.0.0"))!.Status);
    }

    [Fact]
    public async Task RecordedVersionsAndFilesOutsideModelFoldersAreLeftAlone()
    {
        await _app.UploadAndTriggerAsync("iris/1.0.0/model.onnx", File.ReadAllBytes(Path.Combine(Repo.IrisFolder, "model.onnx")));
        await _app.UploadAndTriggerAsync("iris/1.0.0/validation.csv", File.ReadAllBytes(Path.Combine(Repo.IrisFolder, "validation.csv")));
        await _app.UploadAndTriggerAsync("iris/1.0.0/model.json", System.Text.Encoding.UTF8.GetBytes(SampleModels.IrisManifest()));
        var registered = await Registry.GetVersionAsync("iris", "1.0.0");
        await _app.Models.GetBlobClient("README.txt").UploadAsync(new BinaryData("not a model folder"u8.ToArray()));

        var outcomes = await _app.Services.GetRequiredService<Cloud.Registry.Registration.UnrecordedFolderSweep>().RunAsync(CancellationToken.None);

        Assert.Empty(outcomes);
        var after = await Registry.GetVersionAsync("iris", "1.0.0");
        Assert.Equal((registered!.Status, registered.Sha256, registered.UpdatedAt), (after!.Status, after.Sha256, after.UpdatedAt));
    }
}
