using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Cloud.Host.Tests.Http;
using Cloud.Storage.Blobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.ML.OnnxRuntime;

namespace Cloud.Host.Tests.Hostile;

/// <summary>
/// Registered versions are immutable in fact, on every backend: the management API refuses a write into a registered
/// folder before a byte is written; a storage tool's write, which nothing can refuse, is recorded as a refusal and
/// changes nothing served; and a new instance with an empty model file cache serves the registered bytes.
/// </summary>
public abstract class ImmutabilityTests : IAsyncLifetime
{
    private const string IrisBody = """{"instances": [[5.1, 3.5, 1.4, 0.2], [6.3, 3.3, 6.0, 2.5]]}""";
    // The seeded iris has been validated by its validate job before a test starts (ServingHost waits for the host's jobs).
    private const string Refused = "Model 'iris' version 1.0.0 is registered and immutable (validated now): its files cannot be changed. Upload the changed files as a new version.";

    // Another model iris's requests fit ([batch, 4] floats in), with another answer: served by mistake, it would show.
    private static readonly byte[] OtherModel = OnnxModelBuilder.Identity(new OnnxModelBuilder.Input("features", TensorElementType.Float, "batch", 4L));
    private static readonly byte[] IrisModel = File.ReadAllBytes(Path.Combine(Repo.IrisFolder, "model.onnx"));

    private readonly List<ServingHost> _hosts = [];

    /// <summary>The first instance, with iris 1.0.0 seeded and registered.</summary>
    protected ServingHost Host { get; private set; } = null!;

    /// <summary>The settings that put an instance on this test's store.</summary>
    protected abstract (string Key, string Value)[] StoreSettings { get; }

    /// <summary>The settings of another instance on the same store, with an empty model file cache of its own.</summary>
    protected abstract (string Key, string Value)[] AnotherInstanceSettings { get; }

    /// <summary>Writes into the models container as a storage tool does, past Cloud.</summary>
    protected abstract Task WriteWithStorageToolAsync(string path, byte[] content);

    public async Task InitializeAsync() => Host = await StartAsync(StoreSettings);

    public async Task DisposeAsync()
    {
        foreach (var host in Enumerable.Reverse(_hosts))
        {
            await host.DisposeAsync();
        }
    }

    [Fact]
    public async Task AnotherModelFileForARegisteredVersionIsRefusedBeforeItIsWritten()
    {
        var put = await Host.Client.PutAsync("/api/models/iris/versions/1.0.0/files/model.onnx", new ByteArrayContent(OtherModel));

        Assert.Equal(HttpStatusCode.Conflict, put.StatusCode);
        Assert.Equal(Refused, await ServingHost.ErrorOfAsync(put));
        Assert.Equal(IrisModel, await StoredAsync("iris/1.0.0/model.onnx"));
    }

    [Fact]
    public async Task AChangedManifestForARegisteredVersionIsRefusedBeforeItIsWritten()
    {
        var manifest = await StoredAsync("iris/1.0.0/model.json");

        var put = await Host.Client.PutAsync("/api/models/iris/versions/1.0.0/files/model.json",
            new StringContent(SampleModels.IrisManifest().Replace("Softmax", "Changed", StringComparison.Ordinal)));

        Assert.Equal(HttpStatusCode.Conflict, put.StatusCode);
        Assert.Equal(Refused, await ServingHost.ErrorOfAsync(put));
        Assert.Equal(manifest, await StoredAsync("iris/1.0.0/model.json"));
        Assert.Empty(await RefusalsAsync(Host)); // nothing reached the folder, so there is nothing to record
    }

    [Fact]
    public async Task ANewFileInARegisteredFolderIsRefusedBeforeItIsWritten()
    {
        var put = await Host.Client.PutAsync("/api/models/iris/versions/1.0.0/files/warmup.json", new StringContent("{}"));

        Assert.Equal(HttpStatusCode.Conflict, put.StatusCode);
        Assert.Equal(Refused, await ServingHost.ErrorOfAsync(put));
        Assert.Null(await StoredAsync("iris/1.0.0/warmup.json"));
    }

    [Fact]
    public async Task ARetiredVersionIsAsImmutableAndTheAnswerSaysItIsRetired()
    {
        await Host.PushFolderAsync("iris", "2.0.0", Repo.IrisFolder);
        (await Host.Client.PostAsJsonAsync("/api/models/iris/versions/2.0.0/retire", new { reason = "superseded" })).EnsureSuccessStatusCode();

        var put = await Host.Client.PutAsync("/api/models/iris/versions/2.0.0/files/model.onnx", new ByteArrayContent(OtherModel));

        Assert.Equal(HttpStatusCode.Conflict, put.StatusCode);
        Assert.Equal("Model 'iris' version 2.0.0 is registered and immutable (retired now): its files cannot be changed. Upload the changed files as a new version.", await ServingHost.ErrorOfAsync(put));
    }

    [Fact]
    public async Task AFailedVersionNeverServedSoACorrectedUploadReplacesIt()
    {
        var failed = await Host.PushModelAsync("fixed", "1.0.0", File.ReadAllBytes(SampleModels.Tiny("not_a_model.onnx")));

        await Host.PushModelAsync("fixed", "1.0.0", OtherModel);

        // Registered by the upload of model.json, or by the scanner between the two files (then the upload finds it unchanged).
        Assert.Equal("failed", JsonDocument.Parse(failed).RootElement.GetProperty("registration").GetString());
        var version = JsonDocument.Parse(await Host.Client.GetStringAsync("/api/models/fixed/versions/1.0.0")).RootElement;
        Assert.Equal(("registered", Convert.ToHexStringLower(SHA256.HashData(OtherModel))), (version.GetProperty("status").GetString(), version.GetProperty("sha256").GetString()));
    }

    [Fact]
    public async Task AfterARefusedOverwriteANewInstanceWithAnEmptyCacheServesTheRegisteredBytes()
    {
        var before = await PredictAsync(Host);
        var model = await Host.Client.PutAsync("/api/models/iris/versions/1.0.0/files/model.onnx", new ByteArrayContent(OtherModel));
        var manifest = await Host.Client.PutAsync("/api/models/iris/versions/1.0.0/files/model.json", new StringContent(SampleModels.IrisManifest()));

        var restarted = await StartAsync(AnotherInstanceSettings);

        Assert.Equal((HttpStatusCode.Conflict, HttpStatusCode.Conflict), (model.StatusCode, manifest.StatusCode));
        Assert.Equal(HttpStatusCode.OK, before.Status);
        Assert.Equal(before, await PredictAsync(restarted));
    }

    [Fact]
    public async Task AStorageToolsOverwriteIsRecordedAndANewInstanceWithAnEmptyCacheServesTheRegisteredBytes()
    {
        var before = await PredictAsync(Host);
        var registeredSha = Convert.ToHexStringLower(SHA256.HashData(IrisModel));

        // Nothing can refuse these writes: they go straight into the models container.
        await WriteWithStorageToolAsync("iris/1.0.0/model.onnx", OtherModel);
        await WriteWithStorageToolAsync("iris/1.0.0/model.json", System.Text.Encoding.UTF8.GetBytes(SampleModels.IrisManifest().Replace("Softmax", "Changed", StringComparison.Ordinal)));
        // A file system write is not atomic, so the scanner may first see (and record) a part of the file; the
        // whole file's refusal follows at a later pass.
        var expected = $" Refused: a different model file (sha256 {Convert.ToHexStringLower(SHA256.HashData(OtherModel))}) was uploaded under existing version 1.0.0; versions are immutable, so upload it as a new version.";
        await Eventually.TrueAsync(async () => (await RefusalsAsync(Host)).Any(r => r.EndsWith(expected, StringComparison.Ordinal)), "the scanner to record the overwrite on 1.0.0");
        var restarted = await StartAsync(AnotherInstanceSettings);

        Assert.Equal(HttpStatusCode.OK, before.Status);
        Assert.Equal(before, await PredictAsync(restarted));
        Assert.Equal(before, await PredictAsync(Host));
        var version = JsonDocument.Parse(await restarted.Client.GetStringAsync("/api/models/iris/versions/1.0.0")).RootElement;
        Assert.Equal(("validated", registeredSha), (version.GetProperty("status").GetString(), version.GetProperty("sha256").GetString()));
    }

    private async Task<ServingHost> StartAsync((string Key, string Value)[] settings)
    {
        // A short scan interval: the storage tool's write is seen within the test's patience.
        var host = await ServingHost.StartAsync([.. settings, ("Cloud:Local:ScanInterval", "00:00:00.100")]);
        _hosts.Add(host);
        return host;
    }

    private async Task<byte[]?> StoredAsync(string path) =>
        await Host.App.Services.GetRequiredService<IBlobStore>().ReadAllBytesAsync(path);

    private static async Task<(HttpStatusCode Status, string Body)> PredictAsync(ServingHost host)
    {
        var answer = await host.Client.PostAsync("/v1/models/iris/versions/1.0.0:predict", new StringContent(IrisBody));
        return (answer.StatusCode, await answer.Content.ReadAsStringAsync());
    }

    private static async Task<IReadOnlyList<string>> RefusalsAsync(ServingHost host)
    {
        var version = JsonDocument.Parse(await host.Client.GetStringAsync("/api/models/iris/versions/1.0.0")).RootElement;
        return [.. version.GetProperty("refusals").EnumerateArray().Select(r => r.GetString()!)];
    }

}
