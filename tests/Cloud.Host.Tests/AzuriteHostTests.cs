using System.Net;
using System.Security.Cryptography;
using Cloud.Host.Tests.Http;
using Cloud.Storage.AzureStorage;
using Cloud.Storage.Blobs;

namespace Cloud.Host.Tests;

/// <summary>
/// The local host on Azure Storage by connection string, against Azurite: the same registry, scanner and serving
/// as the embedded default, with every row and blob where an Azure user would look for them.
/// </summary>
public sealed class AzuriteHostTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>, IAsyncLifetime
{
    private readonly string _container = "models" + Guid.NewGuid().ToString("N")[..8];
    private readonly string _table = "Registry" + Guid.NewGuid().ToString("N")[..8];
    private ServingHost _host = null!;

    public async Task InitializeAsync() => _host = await ServingHost.StartAsync(
        ("Cloud:Storage:ConnectionString", azurite.ConnectionString),
        ("Cloud:Storage:ModelsContainer", _container),
        ("Cloud:Storage:RegistryTable", _table),
        ("Cloud:Storage:JobsTable", "Jobs" + _table[8..]));

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task SeededModelsAreStoredRegisteredAndServedFromAzureStorage()
    {
        var predict = await _host.Client.PostAsync("/v1/models/iris:predict", new StringContent("""{"instances": [[5.1, 3.5, 1.4, 0.2]]}"""));

        Assert.Equal(HttpStatusCode.OK, predict.StatusCode);
        Assert.Equal("1.0.0", predict.Headers.GetValues("X-Cloud-Model-Version").Single());
        // Read back with our own clients, not through the host: the model file is in the container, byte for byte,
        // and the version row is in the registry table with the file's hash.
        var blobs = new AzureBlobStore(azurite.ConnectionString, _container);
        var stored = await blobs.ReadAllBytesAsync("iris/1.0.0/model.onnx");
        var original = File.ReadAllBytes(Path.Combine(Repo.IrisFolder, "model.onnx"));
        Assert.Equal(original, stored);
        var row = await new AzureTableStore(azurite.ConnectionString, _table).GetAsync("iris", "v|1.0.0");
        Assert.NotNull(row);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(original)), row.Get<string>("Sha256"));
    }

    [Fact]
    public async Task AFolderWrittenStraightIntoTheContainerRegistersAndServes()
    {
        var blobs = new AzureBlobStore(azurite.ConnectionString, _container);
        foreach (var file in new[] { "model.onnx", "validation.csv" })
        {
            await using var content = File.OpenRead(Path.Combine(Repo.IrisFolder, file));
            await blobs.PutAsync($"iris/2.0.0/{file}", content);
        }

        await blobs.PutAsync("iris/2.0.0/model.json", new MemoryStream(System.Text.Encoding.UTF8.GetBytes(SampleModels.IrisManifest("2.0.0"))));

        string? served = null;
        await Eventually.TrueAsync(async () =>
        {
            var predict = await _host.Client.PostAsync("/v1/models/iris/versions/2.0.0:predict", new StringContent("""{"instances": [[5.1, 3.5, 1.4, 0.2]]}"""));
            served = predict.IsSuccessStatusCode ? predict.Headers.GetValues("X-Cloud-Model-Version").Single() : null;
            return served is not null;
        }, "the scanner to register 2.0.0 from the container");

        Assert.Equal("2.0.0", served);
    }

    [ExecutableFact("az", "azure-cli")]
    public async Task AFolderUploadedWithTheAzureCliRegistersAndServes()
    {
        // What a user without our tools does: az storage blob upload-batch, in whatever order az sends the files.
        using var folder = new TempFolder();
        foreach (var file in new[] { "model.onnx", "validation.csv" })
        {
            File.Copy(Path.Combine(Repo.IrisFolder, file), Path.Combine(folder.Path, file));
        }

        File.WriteAllText(Path.Combine(folder.Path, "model.json"), SampleModels.IrisManifest("3.0.0"));
        var (exit, output) = await RunAzAsync("storage", "blob", "upload-batch", "--connection-string", azurite.ConnectionString,
            "--destination", _container, "--destination-path", "iris/3.0.0", "--source", folder.Path, "--only-show-errors", "--output", "none");
        Assert.True(exit == 0, output);

        string? served = null;
        await Eventually.TrueAsync(async () =>
        {
            var predict = await _host.Client.PostAsync("/v1/models/iris/versions/3.0.0:predict", new StringContent("""{"instances": [[5.1, 3.5, 1.4, 0.2]]}"""));
            served = predict.IsSuccessStatusCode ? predict.Headers.GetValues("X-Cloud-Model-Version").Single() : null;
            return served is not null;
        }, "the scanner to register 3.0.0 from the files az uploaded");

        Assert.Equal("3.0.0", served);
        var version = await _host.GetJsonAsync("/api/models/iris/versions/3.0.0");
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(Repo.IrisFolder, "model.onnx")))), version.GetProperty("sha256").GetString());
    }

    private static async Task<(int Exit, string Output)> RunAzAsync(params string[] arguments)
    {
        var start = new System.Diagnostics.ProcessStartInfo(ExecutableFactAttribute.Find("az")!, arguments) { RedirectStandardError = true, RedirectStandardOutput = true };
        // az keeps config and telemetry under the home folder; a throwaway one leaves the user's alone.
        start.Environment["AZURE_CONFIG_DIR"] = Path.Combine(Path.GetTempPath(), "cloud-tests-az");
        start.Environment["AZURE_CORE_COLLECT_TELEMETRY"] = "false";
        using var process = System.Diagnostics.Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + stderr);
    }
}
