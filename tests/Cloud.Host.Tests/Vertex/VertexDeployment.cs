using System.Diagnostics;
using System.Net;
using Cloud.TestSupport.Gcs;

namespace Cloud.Host.Tests.Vertex;

/// <summary>
/// A Vertex AI deployment of the iris sample, played on loopback: Cloud.Host published as the image holds it
/// (docs/vertex.md's command: self-contained linux-x64 Release; the Dockerfile copies exactly that folder), the sample's
/// folder in a fake Cloud Storage bucket, and the published host started with the AIP_* variables Vertex sets, with
/// endpoint-specific routes as Vertex's defaults are. The bucket holds its reads at first, so the health route's
/// answer while the model is still loading is seen and kept for the tests.
/// </summary>
public sealed class VertexDeployment : IAsyncLifetime
{
    public const string Bucket = "cloud-vertex-tests";
    public const string Folder = "deployments/iris-1";
    public const string HealthRoute = "/v1/endpoints/8812/deployedModels/4471";
    public const string PredictRoute = "/v1/endpoints/8812/deployedModels/4471:predict";
    public const string DeployedModelId = "4471";

    private readonly DirectoryInfo _published = Directory.CreateTempSubdirectory("cloud-host-publish-");
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("cloud-vertex-data-");
    private ContainerProcess? _container;

    public FakeGcsServer Gcs { get; private set; } = null!;

    /// <summary>The published executable, the image's entrypoint.</summary>
    public string Executable => Path.Combine(_published.FullName, "Cloud.Host");

    public HttpClient Client { get; private set; } = null!;

    /// <summary>The container's gRPC port (containerSpec.grpcPorts on Vertex).</summary>
    public int GrpcPort { get; private set; }

    /// <summary>What the health route answered while the model's files were still being read.</summary>
    public (HttpStatusCode Status, string Body) HealthWhileLoading { get; private set; }

    public string Output => _container?.Output ?? "";

    public async Task InitializeAsync()
    {
        await PublishAsync();
        Gcs = await FakeGcsServer.StartAsync();
        foreach (var file in Directory.GetFiles(Repo.IrisFolder))
        {
            Gcs.Put(Bucket, $"{Folder}/{Path.GetFileName(file)}", File.ReadAllBytes(file));
        }

        // Something that is not part of the folder: a subfolder is not read.
        Gcs.Put(Bucket, $"{Folder}/notes/readme.txt", "not part of the model"u8.ToArray());
        Gcs.PauseMedia();
        var port = ContainerProcess.FreePort();
        GrpcPort = ContainerProcess.FreePort();
        _container = ContainerProcess.Start(Executable, new Dictionary<string, string>(Environment(port, $"gs://{Bucket}/{Folder}")) { ["Cloud__Grpc__Port"] = GrpcPort.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        Client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };

        try
        {
            // The host listens before it has read anything: Vertex's liveness is the port, readiness the health route.
            await Eventually.TrueAsync(async () => Gcs.MediaReads > 0 && await TryHealthAsync() is not null, "the container to listen and start reading its artifacts");
            HealthWhileLoading = (await TryHealthAsync())!.Value;
            Gcs.ResumeMedia();
            await Eventually.TrueAsync(async () => (await TryHealthAsync())?.Status == HttpStatusCode.OK || _container.HasExited, "the model to load");
        }
        catch (Exception error) when (error is not InvalidOperationException)
        {
            throw new InvalidOperationException($"{error.Message}. The container's output:\n{_container.Output}\nThe bucket's requests:\n{string.Join("\n", Gcs.Requests)}", error);
        }

        if (_container.HasExited)
        {
            throw new InvalidOperationException($"The container exited. Its output:\n{_container.Output}");
        }
    }

    /// <summary>The environment Vertex gives a container of this deployment, with the fake bucket as the storage emulator.</summary>
    public Dictionary<string, string> Environment(int port, string storageUri) => new()
    {
        ["AIP_MODE"] = "PREDICTION",
        ["AIP_HTTP_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["AIP_HEALTH_ROUTE"] = HealthRoute,
        ["AIP_PREDICT_ROUTE"] = PredictRoute,
        ["AIP_STORAGE_URI"] = storageUri,
        ["AIP_DEPLOYED_MODEL_ID"] = DeployedModelId,
        ["STORAGE_EMULATOR_HOST"] = Gcs.EmulatorHost,
        ["Cloud__Storage__DataDirectory"] = Path.Combine(_data.FullName, Guid.NewGuid().ToString("N")),
    };

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        if (_container is not null)
        {
            await _container.DisposeAsync();
        }

        if (Gcs is not null)
        {
            await Gcs.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _data.Delete(recursive: true);
        _published.Delete(recursive: true);
    }

    private async Task<(HttpStatusCode Status, string Body)?> TryHealthAsync()
    {
        try
        {
            var response = await Client.GetAsync(HealthRoute);
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }
        catch (HttpRequestException)
        {
            return null; // not listening yet
        }
    }

    private async Task PublishAsync()
    {
        var publish = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { "publish", Path.Combine(Repo.Root, "functions", "Cloud.Host"), "-c", "Release", "-r", "linux-x64", "--self-contained", "-o", _published.FullName, "-nologo", "-v:q" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(publish)!;
        var log = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet publish failed:\n{await log}\n{await errors}");
        }
    }
}

[CollectionDefinition(Name)]
public sealed class VertexDeploymentTests : ICollectionFixture<VertexDeployment>
{
    public const string Name = "Vertex deployment";
}
