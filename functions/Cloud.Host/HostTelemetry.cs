using Cloud.Registry.Telemetry;
using OpenTelemetry.Metrics;

namespace Cloud.Host;

/// <summary>
/// OpenTelemetry in the local and container hosts: what every host has (AddCloudTelemetry: the rooms' meters and
/// sources, OTLP when configured) plus Prometheus's scraping endpoint, /metrics, on the host's own HTTP surface.
/// </summary>
internal static class HostTelemetry
{
    public const string MetricsPath = "/metrics";

    /// <returns>Whether /metrics is served (<see cref="Map"/> then maps it).</returns>
    public static bool Add(WebApplicationBuilder builder)
    {
        if (builder.Services.AddCloudTelemetry(builder.Configuration, "cloud-host") is not { Options.Prometheus: true } telemetry)
        {
            return false;
        }

        telemetry.Builder.WithMetrics(metrics => metrics.AddPrometheusExporter());
        return true;
    }

    public static void Map(WebApplication app, bool prometheus)
    {
        if (prometheus)
        {
            app.MapPrometheusScrapingEndpoint(MetricsPath);
        }
    }
}
