using System.Text.Json;
using System.Text.Json.Serialization;
using Cloud.Registry.Registration;
using Cloud.Registry.Settings;
using Cloud.Registry.Stores;
using Cloud.Serving.Batching;
using Cloud.Serving.Dashboard;
using Cloud.Serving.Grpc;
using Cloud.Serving.Hosting;
using Cloud.Serving.Http;
using Cloud.Serving.Management;
using Cloud.Serving.Models;
using Cloud.Serving.Routing;
using Cloud.Serving.Statistics;
using Cloud.Serving.Telemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Cloud.Serving;

/// <summary>The serving room as every host composes it (after <c>AddCloudRegistry</c>), and the HTTP surface it maps.</summary>
internal static class ServingServiceCollectionExtensions
{
    public static IServiceCollection AddCloudServing(this IServiceCollection services)
    {
        services.AddSettings<ServingOptions>("Serving");
        services.AddSettings<ManagementOptions>("Management");
        services.AddSettings<ModelCacheOptions>("Cache",
            sp => new ModelCacheOptions { Directory = Path.Combine(sp.GetRequiredService<StorageOptions>().FullDataDirectory, "cache") });
        services.AddSettings<RoutingOptions>("Routing");
        // The queue holds 16 batches (1,024 rows at the default batch size): TF Serving's advice of one batch per
        // thread sheds load as soon as a few hundred clients wait, while 1,024 single-row requests still drain in
        // well under a second.
        services.AddSettings<BatchingOptions>("Batching", _ => new BatchingOptions { MaxEnqueuedBatches = 16 });
        services.AddSingleton<BodyBudget>();
        services.AddSingleton<ModelCache>();
        services.AddSingleton<ModelRouter>();
        services.AddSingleton<IRegistrationFollowUp, RoutingFollowUp>();
        services.AddSingleton<RoutingRefresher>();
        services.AddSingleton<IReadinessSignal>(sp => sp.GetRequiredService<RoutingRefresher>());
        services.AddHostedService(sp => sp.GetRequiredService<RoutingRefresher>());
        services.AddSingleton<AdminKeyFilter>();
        services.AddSingleton<VersionRequestStatistics>();
        services.AddHostedService<VersionStatisticsPublisher>();
        services.AddSingleton<DashboardFiles>();
        // Heard only by the providers a host builds (AddCloudTelemetry); without one these are never read.
        services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddMeter(ServingTelemetry.Name));
        services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddSource(ServingTelemetry.Name));
        services.ConfigureHttpJsonOptions(json =>
        {
            // Statuses and states read as words ("registered", "available"), as docs/api.md shows them.
            json.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
            json.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));

            // Management bodies are read as strictly as prediction bodies: a field given twice or a misspelt field
            // ("versoin") is refused with its name rather than read as "last one wins" or silently dropped.
            json.SerializerOptions.AllowDuplicateProperties = false;
            json.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        });

        // Binding failures throw, so the exception handler (ErrorPages) answers them in the error shape instead of
        // minimal APIs' empty 400 and 415.
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        return services;
    }

    /// <summary>
    /// The Open Inference Protocol's gRPC service, for hosts with an HTTP/2 listener (the local and container hosts;
    /// not the Functions app, whose HTTP triggers do not carry gRPC: docs/functions.md).
    /// </summary>
    public static IServiceCollection AddCloudGrpc(this IServiceCollection services)
    {
        services.AddSettings<GrpcOptions>("Grpc");
        services.AddGrpc();

        // One instance for every call (its fields are the serving singletons), not one built per call.
        services.AddSingleton<InferenceGrpcService>();
        services.AddOptions<global::Grpc.AspNetCore.Server.GrpcServiceOptions>().Configure<GrpcOptions>((grpc, options) =>
        {
            grpc.MaxReceiveMessageSize = options.MaxReceiveMessageBytes;
            // Errors are ours (status and message, the protocol's one error shape); an exception's details never leak.
            grpc.EnableDetailedErrors = false;

            // No catch-all "/{service}/{method}" endpoint for services we do not have: it would match every two-segment
            // HTTP path (/api/models) and turn HTTP's 405 answers into 404s. A gRPC call to an unknown service still
            // fails, as UNIMPLEMENTED (gRPC's reading of the 404).
            grpc.IgnoreUnknownServices = true;
        });
        return services;
    }

    /// <summary>Maps the gRPC service when <see cref="GrpcOptions.Enabled"/>; see <see cref="AddCloudGrpc"/>.</summary>
    public static IEndpointRouteBuilder MapCloudGrpc(this IEndpointRouteBuilder app)
    {
        if (app.ServiceProvider.GetRequiredService<GrpcOptions>().Enabled)
        {
            app.MapGrpcService<InferenceGrpcService>();
        }

        return app;
    }

    /// <summary>
    /// The middleware every host puts before its endpoints: the one error shape for what ASP.NET Core answers itself,
    /// and gRPC ModelInfer messages counted in the body budget before they are read.
    /// </summary>
    public static IApplicationBuilder UseCloudServing(this IApplicationBuilder app)
    {
        app.UseCloudErrors();
        if (app.ApplicationServices.GetService<GrpcOptions>() is { Enabled: true })
        {
            app.UseMiddleware<Grpc.GrpcBodyBudget>();
        }

        return app;
    }

    /// <summary>Health, TF Serving REST, Open Inference Protocol v2, the management API and the dashboard over it.</summary>
    public static IEndpointRouteBuilder MapCloudServing(this IEndpointRouteBuilder app)
    {
        app.MapHealth();
        var models = app.MapGroup("").AddEndpointFilter<RouteNamesFilter>();
        models.MapTfServing();
        models.MapOipV2();
        app.MapManagement();
        app.MapDashboard();
        return app;
    }
}
