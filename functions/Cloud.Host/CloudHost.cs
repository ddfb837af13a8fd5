using Cloud.Jobs;
using Cloud.Registry;
using Cloud.Registry.Settings;
using Cloud.Serving;
using Cloud.Serving.Hosting;
using Cloud.Serving.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Cloud.Host;

/// <summary>
/// Builds the local host: the rooms (registry, jobs, serving) on the embedded default stores (a folder and SQLite under
/// .cloud/) or on Azurite / Azure storage by connection string, plus what only the local host has — the store scanner
/// as its blob trigger and the sample seeder. The Functions app and the container hosts compose the same rooms.
/// </summary>
internal static class CloudHost
{
    public const string DefaultUrl = "http://localhost:7071";

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        // The content root is the host's own folder, not the working directory, so its appsettings.json (logging
        // defaults included) applies however and wherever the host is started.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        configure?.Invoke(builder);
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        var grpc = GrpcListeners.Configure(builder, DefaultUrl);

        var services = builder.Services;
        services.AddCloudRegistry();
        services.AddCloudJobs();
        services.AddCloudServing();
        services.AddCloudGrpc();
        services.AddSingleton(grpc);
        services.AddSettings<LocalHostOptions>("Local");
        var prometheus = HostTelemetry.Add(builder);
        // Hosted services start in this order: the stores exist (AddCloudRegistry), then the samples are in them,
        // then the scanner registers what is there.
        services.AddHostedService<SampleSeeder>();
        services.AddSingleton<StoreScanner>();
        services.AddSingleton<IReadinessSignal>(sp => sp.GetRequiredService<StoreScanner>());
        services.AddHostedService(sp => sp.GetRequiredService<StoreScanner>());
        services.AddOptions<KestrelServerOptions>().Configure<ServingOptions>((kestrel, serving) =>
        {
            kestrel.Limits.MaxRequestBodySize = serving.MaxRequestBodyBytes + 1;

            // No "Server: Kestrel" on every answer: it tells scanners what runs here and costs every client a header.
            kestrel.AddServerHeader = false;
        });

        var app = builder.Build();
        app.UseCloudServing();
        app.MapCloudServing();
        app.MapCloudGrpc();
        HostTelemetry.Map(app, prometheus);
        return app;
    }
}
