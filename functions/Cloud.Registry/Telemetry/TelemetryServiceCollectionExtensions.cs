using Azure.Monitor.OpenTelemetry.AspNetCore;
using Cloud.Registry.Settings;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Cloud.Registry.Telemetry;

/// <summary>
/// OpenTelemetry as every host composes it: the rooms' meters and sources (each room adds its own in its AddCloudXxx),
/// ASP.NET Core's, OTLP when configured, and Azure Monitor when the process has an Application Insights connection
/// string (infra/ gives one to the Function App and to the job runner). Hosts with an HTTP surface of their own add
/// Prometheus on the returned builder.
/// </summary>
internal static class TelemetryServiceCollectionExtensions
{
    /// <summary>The OpenTelemetry SDK's own variable; when set, the OTLP exporter reads it (and its siblings) itself.</summary>
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>The setting the Functions host and the Azure Monitor distro both read.</summary>
    public const string AzureMonitorVariable = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    /// <param name="services">The host's services.</param>
    /// <param name="configuration">The host's configuration: Cloud:Telemetry is read now, because which providers exist is decided at composition.</param>
    /// <param name="serviceName">The host's service.name unless Cloud:Telemetry:ServiceName or OTEL_SERVICE_NAME says otherwise.</param>
    /// <returns>Null when telemetry is off (or its settings are invalid, which validation at start reports).</returns>
    public static CloudTelemetryBuilder? AddCloudTelemetry(this IServiceCollection services, IConfiguration configuration, string serviceName)
    {
        services.AddSettings<TelemetryOptions>("Telemetry");
        var options = configuration.GetSection($"{SettingsServiceCollectionExtensions.Root}:Telemetry").Get<TelemetryOptions>() ?? new TelemetryOptions();
        if (!options.Enabled || options.Validate("").Any())
        {
            return null;
        }

        var otlp = options.OtlpEndpoint is not null || !string.IsNullOrEmpty(configuration[OtlpEndpointVariable]);
        var azureMonitor = configuration[AzureMonitorVariable] is { Length: > 0 } connectionString ? connectionString : null;
        // Spans only when something exports them: with /metrics alone no span is ever started, so no request pays for one.
        var traces = otlp || azureMonitor is not null;
        var builder = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(configuration["OTEL_SERVICE_NAME"] ?? options.ServiceName ?? serviceName))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(RegistryTelemetry.Name);
                if (options.HttpMetrics)
                {
                    // ASP.NET Core's own meter: http.server.request.duration for every route, the unrouted 404s included.
                    metrics.AddMeter("Microsoft.AspNetCore.Hosting");
                }

                if (otlp)
                {
                    metrics.AddOtlpExporter(otlpOptions => Configure(otlpOptions, options));
                }
            });
        if (traces)
        {
            builder.WithTracing(tracing =>
            {
                tracing.AddSource(RegistryTelemetry.Name).AddAspNetCoreInstrumentation();
                if (otlp)
                {
                    tracing.AddOtlpExporter(otlpOptions => Configure(otlpOptions, options));
                }
            });
        }

        if (azureMonitor is not null)
        {
            // The distro adds ASP.NET Core's and HttpClient's instrumentation and exports all three signals.
            builder.UseAzureMonitor(monitor => monitor.ConnectionString = azureMonitor);
        }

        return new CloudTelemetryBuilder(builder, options);
    }

    private static void Configure(OtlpExporterOptions otlp, TelemetryOptions options)
    {
        if (options.OtlpEndpoint is { } endpoint)
        {
            otlp.Endpoint = endpoint;
        }

        if (options.OtlpProtocol is { } protocol)
        {
            otlp.Protocol = protocol == "grpc" ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf;
        }
    }
}

/// <summary>What <see cref="TelemetryServiceCollectionExtensions.AddCloudTelemetry"/> built, for the host to add its own exporter to.</summary>
internal sealed record CloudTelemetryBuilder(OpenTelemetryBuilder Builder, TelemetryOptions Options);
