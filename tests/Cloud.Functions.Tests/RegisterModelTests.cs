using Azure.Data.Tables;
using Cloud.Registry;
using Cloud.Sdk.Registry;

namespace Cloud.Functions.Tests;

/// <summary>
/// The blob trigger on Azurite: folders uploaded in any order register on the event that completes them, repeated
/// events change nothing, a folder that can never register is recorded and the event ends, and a storage failure
/// throws so the trigger retries.
/// </summary>
public sealed class RegisterModelTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>, IAsyncLifetime
{
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..8];
    private FunctionsApp _app = null!;

    public async Task InitializeAsync() => _app = await FunctionsApp.StartAsync(azurite, _suffix);

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private ModelRegistry Registry => _app.Services.GetRequiredService<ModelRegistry>();

    [Theory]
    [InlineData("model.json", "validation.csv", "model.onnx")]
    [InlineData("model.onnx", "model.json", "validation.csv")]
    [InlineData("validation.csv", "model.onnx", "model.json")]
    public async Task AFolderRegistersOnTheEventThatCompletesItInAnyOrder(string first, string second, string last)
    {
        await UploadIrisFileAsync(first);
        await UploadIrisFileAsync(second);
        Assert.NotEqual(ModelVersionStatus.Registered, (await Registry.GetVersionAsync("iris", "1.0.0"))?.Status);

        await UploadIrisFileAsync(last);

        var version = await Registry.GetVersionAsync("iris", "1.0.0");
        Assert.Equal(ModelVersionStatus.Registered, version!.Status);
        Assert.Equal(IrisSha256, version.Sha256);
    }

    [Fact]
    public async Task TheSameEventThreeTimesMakesOneVersionAndOneJob()
    {
        foreach (var file in new[] { "model.onnx", "validation.csv", "model.json" })
        {
            await UploadIrisFileAsync(file);
        }

        await _app.TriggerAsync("iris/1.0.0/model.json");
        await _app.TriggerAsync("iris/1.0.0/model.json");

        Assert.Single(await Registry.ListVersionsAsync("iris"));
        var jobs = await JobRowsAsync();
        var job = Assert.Single(jobs);
        Assert.Equal(("validate", "iris", "1.0.0", "queued"), (job.GetString("Kind"), job.GetString("Model"), job.GetString("Version"), job.GetString("Status")));
        Assert.Equal(1, await PendingMessagesAsync()); // the queue dropped the re-sent copies (duplicate detection by id and attempt)
    }

    [Fact]
    public async Task AFolderThatCanNeverRegisterIsRecordedAsFailedAndTheEventEnds()
    {
        await _app.UploadAndTriggerAsync("iris/1.0.0/model.onnx", File.ReadAllBytes(Path.Combine(Repo.IrisFolder, "model.onnx")));
        await _app.UploadAndTriggerAsync("iris/1.0.0/model.json", """{ "name": "iris", "version": "1.0.0", "format": "onnx", "modelFile": "model.onnx", "task": "clustering" }"""u8.ToArray());

        var version = await Registry.GetVersionAsync("iris", "1.0.0");
        Assert.Equal(ModelVersionStatus.Failed, version!.Status);
        Assert.Contains("task", version.FailureReason, StringComparison.Ordinal);
        Assert.Empty(await JobRowsAsync());
    }

    [Fact]
    public async Task AStorageFailureThrowsSoTheTriggerRetries()
    {
        await new TableClient(azurite.ConnectionString, "Registry" + _suffix).DeleteAsync();

        await Assert.ThrowsAnyAsync<Azure.RequestFailedException>(() => _app.UploadAndTriggerAsync("iris/1.0.0/model.json", SampleModelsIrisManifest()));
    }

    private static byte[] SampleModelsIrisManifest() => System.Text.Encoding.UTF8.GetBytes(SampleModels.IrisManifest());

    private static string IrisSha256 => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(Path.Combine(Repo.IrisFolder, "model.onnx"))));

    private Task UploadIrisFileAsync(string file) => _app.UploadAndTriggerAsync($"iris/1.0.0/{file}",
        file == "model.json" ? SampleModelsIrisManifest() : File.ReadAllBytes(Path.Combine(Repo.IrisFolder, file)));

    private async Task<List<TableEntity>> JobRowsAsync()
    {
        var rows = new List<TableEntity>();
        await foreach (var row in new TableClient(azurite.ConnectionString, "Jobs" + _suffix).QueryAsync<TableEntity>())
        {
            rows.Add(row);
        }

        return rows;
    }

    private async Task<long> PendingMessagesAsync()
    {
        var database = Path.Combine(_app.Services.GetRequiredService<Cloud.Registry.Stores.StorageOptions>().FullDataDirectory, "cloud.db");
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={database}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM job_queue WHERE state = 'ready'";
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
