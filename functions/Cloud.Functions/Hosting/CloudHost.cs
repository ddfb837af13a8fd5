using Cloud.Functions.Jobs;
using Cloud.Functions.Management;
using Cloud.Functions.Registration;
using Cloud.Functions.Registry;
using Cloud.Functions.Serving.Http;
using Cloud.Functions.Serving.Models;
using Cloud.Functions.Serving.Routing;

namespace Cloud.Functions.Hosting;

/// <summary>
/// Builds the local host: the embedded default (a folder and SQLite under .cloud/) or Azurite / Azure storage by
/// connection string, the store scanner as blob trigger, routing, the model cache, and every HTTP surface.
/// The Azure Functions custom handler and Vertex hosts reuse these pieces (their own issues).
/// </summary>
internal static partial class CloudHost
{
    public const string DefaultUrl = "http://localhost:7071";

    public static async Task<WebApplication> BuildAsync(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        // The content root is the host's own folder, not the working directory, so its appsettings.json (logging
        // defaults included) applies however and wherever the host is started.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        configure?.Invoke(builder);
        var options = builder.Configuration.GetSection("Cloud").Get<CloudOptions>() ?? new CloudOptions();
        options = WithDefaults(options);
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new InvalidOperationException("Invalid settings:\n" + string.Join("\n", problems));
        }

        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes + 1;

            // No "Server: Kestrel" on every answer: it tells scanners what runs here and costs every client a header.
            k.AddServerHeader = false;
        });
        var time = TimeProvider.System;
        var stores = await CloudStores.OpenAsync(options, time).ConfigureAwait(false);
        var services = builder.Services;
        services.AddSingleton(options);
        services.AddSingleton(time);
        services.AddSingleton(stores);
        services.AddSingleton(stores.Models);
        services.AddSingleton(options.Registration);
        services.AddSingleton(options.Routing);
        services.AddSingleton(options.Cache);
        services.AddSingleton(sp => new ModelRegistry(stores.Registry, time));
        services.AddSingleton<ModelRegistration>();
        services.AddSingleton(sp => new JobQueue(stores.Jobs, time, sp.GetRequiredService<ILogger<JobQueue>>()));
        services.AddSingleton<ModelCache>();
        services.AddSingleton<ModelRouter>();
        services.AddSingleton<AdminKeyFilter>();
        services.AddSingleton<StoreScanner>();
        services.AddHostedService(sp => sp.GetRequiredService<StoreScanner>());
        services.AddSingleton<RoutingRefresher>();
        services.AddHostedService(sp => sp.GetRequiredService<RoutingRefresher>());
        services.ConfigureHttpJsonOptions(json =>
        {
            // Statuses and states read as words ("registered", "available"), as docs/api.md shows them.
            json.SerializerOptions.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.CamelCase;
            json.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.CamelCase));
        });

        var app = builder.Build();
        if (options.SeedModelsFrom is { } samples && Directory.Exists(samples))
        {
            var seeded = await SampleSeeder.SeedAsync(stores.Models, samples, app.Logger, CancellationToken.None).ConfigureAwait(false);
            foreach (var model in seeded)
            {
                LogSeeded(app.Logger, model);
            }
        }

        app.MapHealth();
        app.MapTfServing();
        app.MapOipV2();
        app.MapManagement();
        return app;
    }

    /// <summary>Paths resolved under the data directory unless given explicitly.</summary>
    private static CloudOptions WithDefaults(CloudOptions options)
    {
        var data = Path.GetFullPath(options.DataDirectory);
        var cacheDirectory = options.Cache.Directory ?? Path.Combine(data, "cache");
        var workDirectory = options.Registration.WorkDirectory ?? Path.Combine(data, "work");
        return options with
        {
            DataDirectory = data,
            Cache = options.Cache with { Directory = Path.GetFullPath(cacheDirectory) },
            Registration = options.Registration with { WorkDirectory = workDirectory },
        };
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Seeded sample {Model} into the models store")]
    private static partial void LogSeeded(ILogger logger, string model);
}
