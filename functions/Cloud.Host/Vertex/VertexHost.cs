using System.Globalization;
using Cloud.Registry;
using Cloud.Serving;
using Cloud.Serving.Http;
using Cloud.Serving.Vertex;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration.Memory;

namespace Cloud.Host.Vertex;

/// <summary>
/// The host as a Vertex AI prediction container (AIP_MODE=PREDICTION): the registry and serving rooms on embedded stores
/// in the container's temporary disk, the deployment's model brought in from AIP_STORAGE_URI by
/// <see cref="VertexArtifactLoader"/>, and Vertex's two routes on AIP_HTTP_PORT. No job runner (validation happened
/// before the model was deployed), no management API (Vertex's own API manages deployments), no store scanner (the
/// artifacts never change under a deployed model).
/// </summary>
internal static class VertexHost
{
    /// <summary>Vertex AI's limit on a prediction request to a shared public endpoint, read as 1.5 MiB.</summary>
    public const long RequestLimitBytes = 1536 * 1024;

    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        // Defaults first, so the image's environment (Cloud__Serving__MaxRequestBodyBytes for a dedicated endpoint's
        // 10 MB, say) overrides each one.
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = Defaults() });
        var vertex = VertexOptions.From(builder.Configuration);

        // Vertex calls the container on 0.0.0.0:AIP_HTTP_PORT; this wins over ASPNETCORE_URLS / HTTP_PORTS of a base image.
        var url = string.Create(CultureInfo.InvariantCulture, $"http://0.0.0.0:{vertex.HttpPort}");
        builder.WebHost.UseUrls(url);

        // gRPC (Open Inference Protocol) on Cloud:Grpc:Port, the port a model's containerSpec.grpcPorts names: Vertex
        // forwards DirectRawPredict and StreamDirectRawPredict calls there by method name (docs/vertex.md).
        var grpc = GrpcListeners.Configure(builder, url);
        var services = builder.Services;
        services.AddSingleton(vertex);
        services.AddCloudRegistry();
        services.AddCloudServing();
        services.AddCloudGrpc();
        services.AddSingleton(grpc);
        services.AddSingleton<VertexArtifactLoader>();
        services.AddSingleton<IDeployedVersion>(sp => sp.GetRequiredService<VertexArtifactLoader>());
        services.AddHostedService(sp => sp.GetRequiredService<VertexArtifactLoader>());
        services.AddOptions<KestrelServerOptions>().Configure<ServingOptions>((kestrel, serving) =>
        {
            kestrel.Limits.MaxRequestBodySize = serving.MaxRequestBodyBytes + 1;
            kestrel.AddServerHeader = false;
        });

        var app = builder.Build();
        app.UseCloudServing();
        app.MapVertex(vertex.Routes, app.Services.GetRequiredService<IDeployedVersion>());
        app.MapCloudGrpc();
        return app;
    }

    /// <summary>Runs the host until it stops; the exit code is the loader's failure code when the artifacts could not be served.</summary>
    public static async Task<int> RunAsync(WebApplication app)
    {
        // Taken before the run: the host disposes its services when it stops.
        var loader = app.Services.GetRequiredService<VertexArtifactLoader>();
        await app.RunAsync().ConfigureAwait(false);
        return loader.Failure is null ? 0 : VertexArtifactLoader.FailureExitCode;
    }

    private static Dictionary<string, string?> Defaults() => new()
    {
        // The container's disk is its own and goes with it; the registry, the registered copies and the cache live there.
        ["Cloud:Storage:DataDirectory"] = Path.Combine(Path.GetTempPath(), "cloud"),
        ["Cloud:Serving:MaxRequestBodyBytes"] = RequestLimitBytes.ToString(CultureInfo.InvariantCulture),
        ["Cloud:Serving:MaxRequestBodyBytesReason"] = "Vertex AI's 1.5 MB limit on a prediction request",
    };
}
