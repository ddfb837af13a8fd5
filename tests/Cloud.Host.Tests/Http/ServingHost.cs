using System.Net.Http.Json;
using Cloud.Host;
using Cloud.Jobs;
using Cloud.Registry.Jobs;
using Cloud.Sdk.Jobs;
using Cloud.Registry;
using Cloud.Serving.Routing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Cloud.Host.Tests.Http;

/// <summary>
/// The real local host (CloudHost.BuildAsync, as Program.cs runs it) on an in-memory test server, with its own
/// data directory and the repository's sample models seeded, started and ready.
/// </summary>
public sealed class ServingHost : IAsyncDisposable
{
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("cloud-host-");

    private ServingHost()
    {
    }

    internal WebApplication App { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    internal ModelRegistry Registry => App.Services.GetRequiredService<ModelRegistry>();

    internal ModelRouter Router => App.Services.GetRequiredService<ModelRouter>();

    public string DataDirectory => _data.FullName;

    /// <summary>The plaintext gRPC address (h2c) of a host over loopback; null for the in-memory one (use <see cref="CreateGrpcChannel"/>).</summary>
    public Uri? GrpcAddress { get; private set; }

    /// <summary>A gRPC channel to the host: over loopback, or through the in-memory test server's handler.</summary>
    public global::Grpc.Net.Client.GrpcChannel CreateGrpcChannel(int? maxSendBytes = null) => GrpcAddress is { } address
        ? global::Grpc.Net.Client.GrpcChannel.ForAddress(address, new global::Grpc.Net.Client.GrpcChannelOptions { MaxSendMessageSize = maxSendBytes, MaxReceiveMessageSize = null })
        : global::Grpc.Net.Client.GrpcChannel.ForAddress(App.GetTestServer().BaseAddress, new global::Grpc.Net.Client.GrpcChannelOptions
        {
            HttpHandler = App.GetTestServer().CreateHandler(),
            MaxSendMessageSize = maxSendBytes,
            MaxReceiveMessageSize = null,
        });

    public static Task<ServingHost> StartAsync(params (string Key, string Value)[] settings) => StartAsync(overLoopback: false, settings);

    /// <summary>The same host on real Kestrel, on a free loopback port: for what only a real HTTP server does (its headers, framing).</summary>
    public static Task<ServingHost> StartOverLoopbackAsync(params (string Key, string Value)[] settings) => StartAsync(overLoopback: true, settings);

    private static async Task<ServingHost> StartAsync(bool overLoopback, (string Key, string Value)[] settings)
    {
        var host = new ServingHost();
        host.App = CloudHost.Build([], builder =>
        {
            if (overLoopback)
            {
                builder.Configuration["urls"] = "http://127.0.0.1:0";
                // gRPC on a free port of its own; GrpcAddress says which.
                builder.Configuration["Cloud:Grpc:Port"] = "0";
            }
            else
            {
                builder.WebHost.UseTestServer();
            }

            builder.Configuration["Cloud:Storage:DataDirectory"] = host._data.FullName;
            builder.Configuration["Cloud:Local:SeedModelsFrom"] = Path.Combine(Repo.Root, "samples", "models", "iris");
            foreach (var (key, value) in settings)
            {
                builder.Configuration[key] = value;
            }
        });
        await host.App.StartAsync();
        var grpc = host.App.Services.GetRequiredService<GrpcListeners>().Plaintext;
        host.GrpcAddress = overLoopback ? new Uri($"http://127.0.0.1:{grpc!.IPEndPoint!.Port}") : null;
        host.Client = overLoopback
            ? new HttpClient { BaseAddress = new Uri(host.App.Urls.First(url => new Uri(url).Port != grpc!.IPEndPoint!.Port)) }
            : host.App.GetTestClient();
        await host.WaitUntilReadyAsync();
        if (host.App.Services.GetRequiredService<JobsOptions>().RunJobs)
        {
            await host.WaitForJobsAsync();
        }

        return host;
    }

    /// <summary>
    /// Waits until every job has finished: the seeded iris sample's validate job writes its verdict on the version row,
    /// which a label move in the same moment would find changed (412), so tests start once the host's own work is done.
    /// </summary>
    public Task WaitForJobsAsync() => Eventually.TrueAsync(async () =>
        (await App.Services.GetRequiredService<IJobManagement>().ListAsync(null, null, CancellationToken.None)).All(j => j.Status.IsFinished()),
        "the host's jobs to finish");

    // The shared guard (TestTimeout), not a deadline of its own: the host's first scan and routing pass load models,
    // which on a loaded 2-core machine (the conformance suite runs beside it) took longer than the 6 s it once had.
    public Task WaitUntilReadyAsync() =>
        Eventually.TrueAsync(async () => (await Client.GetAsync("/v2/health/ready")).IsSuccessStatusCode, "the host to report ready");

    /// <summary>Uploads a model folder through the management API (model.json last) and returns what registration said.</summary>
    public async Task<string> PushFolderAsync(string name, string version, string sourceFolder, Func<string, string>? editManifest = null)
    {
        foreach (var file in Directory.GetFiles(sourceFolder).Where(f => !f.EndsWith("model.json", StringComparison.Ordinal)))
        {
            var put = await Client.PutAsync($"/api/models/{name}/versions/{version}/files/{Path.GetFileName(file)}", new ByteArrayContent(File.ReadAllBytes(file)));
            put.EnsureSuccessStatusCode();
        }

        var manifest = SampleModels.IrisManifest(version, name);
        var response = await Client.PutAsync($"/api/models/{name}/versions/{version}/files/model.json",
            new StringContent(editManifest is null ? manifest : editManifest(manifest)));
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>Uploads a model file built in the test with a minimal manifest (model.json last) and returns what registration said.</summary>
    public async Task<string> PushModelAsync(string name, string version, byte[] onnx)
    {
        var put = await Client.PutAsync($"/api/models/{name}/versions/{version}/files/model.onnx", new ByteArrayContent(onnx));
        put.EnsureSuccessStatusCode();
        var response = await Client.PutAsync($"/api/models/{name}/versions/{version}/files/model.json",
            new StringContent($$"""{"name": "{{name}}", "version": "{{version}}", "format": "onnx", "modelFile": "model.onnx"}"""));
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>A GET's JSON answer.</summary>
    public async Task<System.Text.Json.JsonElement> GetJsonAsync(string path) => System.Text.Json.JsonDocument.Parse(await Client.GetStringAsync(path)).RootElement;

    /// <summary>The validate job of a version, once it has finished (succeeded, failed or dead-lettered).</summary>
    public async Task<System.Text.Json.JsonElement> FinishedValidateJobAsync(string model, string version)
    {
        System.Text.Json.JsonElement job = default;
        await Eventually.TrueAsync(async () =>
        {
            var jobs = (await GetJsonAsync($"/api/jobs?model={model}")).GetProperty("jobs").EnumerateArray();
            job = jobs.FirstOrDefault(j => j.GetProperty("version").GetString() == version && j.GetProperty("kind").GetString() == "validate");
            return job.ValueKind == System.Text.Json.JsonValueKind.Object && job.GetProperty("status").GetString() is "succeeded" or "failed" or "dead-lettered";
        }, $"the validate job of {model} {version} to finish");
        return job;
    }

    /// <summary>The "error" of an answer in the one error shape.</summary>
    public static async Task<string?> ErrorOfAsync(HttpResponseMessage response) =>
        System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString();

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _data.Delete(recursive: true);
    }
}
