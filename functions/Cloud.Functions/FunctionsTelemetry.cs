using Azure.Monitor.OpenTelemetry.AspNetCore;
using Cloud.Registry.Telemetry;

namespace Cloud.Functions;

/// <summary>
/// OpenTelemetry in the Functions app: what every host has (AddCloudTelemetry: the rooms' meters and sources, OTLP when
/// configured) plus Azure Monitor when the app has an Application Insights connection string, which infra/ sets. No
/// /metrics here: the Functions host fronts HTTP (a scrape would be a billed invocation on whichever instance answered,
/// so a scraper could never see every instance), and Application Insights is how Azure collects a Function App's telemetry.
/// </summary>
internal static class FunctionsTelemetry
{
    /// <summary>The setting the Functions host and the Azure Monitor distro both read.</summary>
    public const string ConnectionStringSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    public static void Add(IConfiguration configuration, IServiceCollection services)
    {
        var azureMonitor = !string.IsNullOrEmpty(configuration[ConnectionStringSetting]);
        if (services.AddCloudTelemetry(configuration, "cloud-functions", hostExportsTraces: azureMonitor) is { } telemetry && azureMonitor)
        {
            telemetry.Builder.UseAzureMonitor(options => options.ConnectionString = configuration[ConnectionStringSetting]);
        }
    }
}
