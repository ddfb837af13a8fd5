using Cloud.Registry.Telemetry;

namespace Cloud.Functions;

/// <summary>
/// OpenTelemetry in the Functions app: what every host has (AddCloudTelemetry: the rooms' meters and sources, OTLP when
/// configured, Azure Monitor with the app's Application Insights connection string, which infra/ sets). No /metrics
/// here: the Functions host fronts HTTP and hands each request to an instance of its choosing, so a scraper would read
/// one instance at random, each scrape a billed invocation; Application Insights is how Azure collects a Function App's
/// telemetry, pushed from every instance.
/// </summary>
internal static class FunctionsTelemetry
{
    public const string ServiceName = "cloud-functions";

    public static void Add(IConfiguration configuration, IServiceCollection services) => services.AddCloudTelemetry(configuration, ServiceName);
}
