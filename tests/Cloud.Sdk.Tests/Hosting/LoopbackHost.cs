using Cloud.Host;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Cloud.Sdk.Tests.Hosting;

/// <summary>
/// The real local host (CloudHost.Build, as Program.cs runs it) on real Kestrel on a free loopback port, with its own
/// data directory and the iris sample seeded, started, ready and done with its own jobs: what the SDK and the CLI
/// talk to over HTTP in their tests. Shared (linked) by Cloud.Sdk.Tests and Cloud.Cli.Tests.
/// </summary>
public sealed class LoopbackHost : IAsyncDisposable
{
    public const string AdminKey = "s3cret";

    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("cloud-sdk-host-");
    private WebApplication _app = null!;

    private LoopbackHost()
    {
    }

    public Uri Endpoint { get; private set; } = null!;

    /// <summary>The host's plaintext gRPC (h2c) address.</summary>
    public Uri GrpcEndpoint { get; private set; } = null!;

    public string DataDirectory => _data.FullName;

    public static Task<LoopbackHost> StartAsync(params (string Key, string Value)[] settings) => StartAsync(null, settings);

    /// <summary>Starts a host with settings and, for a test that watches the host from inside, services of its own (<paramref name="configure"/>).</summary>
    public static async Task<LoopbackHost> StartAsync(Action<WebApplicationBuilder>? configure, params (string Key, string Value)[] settings)
    {
        var host = new LoopbackHost();
        host._app = CloudHost.Build([], builder =>
        {
            builder.Configuration["urls"] = "http://127.0.0.1:0";
            // gRPC on a free port of its own (GrpcEndpoint), not 8081: test hosts run side by side.
            builder.Configuration["Cloud:Grpc:Port"] = "0";
            builder.Configuration["Cloud:Storage:DataDirectory"] = host._data.FullName;
            builder.Configuration["Cloud:Local:SeedModelsFrom"] = Path.Combine(Repo.Root, "samples", "models", "iris");
            builder.Configuration["Cloud:Management:AdminKey"] = AdminKey;
            foreach (var (key, value) in settings)
            {
                builder.Configuration[key] = value;
            }

            configure?.Invoke(builder);
        });
        await host._app.StartAsync();
        var grpcPort = host._app.Services.GetRequiredService<GrpcListeners>().Plaintext!.IPEndPoint!.Port;
        host.Endpoint = new Uri(host._app.Urls.First(url => new Uri(url).Port != grpcPort));
        host.GrpcEndpoint = new Uri($"http://127.0.0.1:{grpcPort}");
        using var http = new HttpClient { BaseAddress = host.Endpoint };
        http.DefaultRequestHeaders.Add("X-Cloud-Admin-Key", AdminKey);
        await Eventually.TrueAsync(async () => (await http.GetAsync("/v2/health/ready")).IsSuccessStatusCode, "the host to report ready");

        // The seeded sample's validate job writes its verdict on the version row; tests start once it is done.
        await Eventually.TrueAsync(async () =>
        {
            var jobs = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync("/api/jobs")).RootElement.GetProperty("jobs");
            return jobs.EnumerateArray().All(j => j.GetProperty("status").GetString() is "succeeded" or "failed" or "dead-lettered" or "cancelled");
        }, "the host's jobs to finish");
        return host;
    }

    /// <summary>A copy of the iris sample folder as another version (and, optionally, with model.json edited), in a temp folder.</summary>
    public static string IrisFolder(string version, Func<System.Text.Json.Nodes.JsonObject, System.Text.Json.Nodes.JsonObject>? edit = null, string name = "iris")
    {
        var folder = Directory.CreateTempSubdirectory("cloud-sdk-folder-").FullName;
        foreach (var file in Directory.GetFiles(Path.Combine(Repo.Root, "samples", "models", "iris")))
        {
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        }

        var manifest = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "model.json")))!.AsObject();
        manifest["version"] = version;
        manifest["name"] = name;
        // No validate job: label and traffic moves in the tests then race nothing the host does on its own.
        manifest.Remove("validation");
        manifest = edit?.Invoke(manifest) ?? manifest;
        File.WriteAllText(Path.Combine(folder, "model.json"), manifest.ToJsonString());
        return folder;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _data.Delete(recursive: true);
    }
}
