using Cloud.Registry.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Cloud.Registry.Tests.Telemetry;

/// <summary>
/// Which providers AddCloudTelemetry builds: metrics whenever telemetry is on, spans only when something exports them
/// (OTLP or Azure Monitor), nothing when it is off.
/// </summary>
public sealed class TelemetryCompositionTests
{
    private const string ConnectionString = "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://localhost/";

    [Theory]
    [InlineData(null, null, null, true, false)]
    [InlineData("false", null, null, false, false)]
    [InlineData(null, "http://localhost:4317", null, true, true)]
    [InlineData(null, null, ConnectionString, true, true)]
    [InlineData("false", "http://localhost:4317", ConnectionString, false, false)]
    public void MetricsWhenOnSpansOnlyWithAnExporter(string? enabled, string? otlpEndpoint, string? connectionString, bool metrics, bool traces)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Cloud:Telemetry:Enabled"] = enabled,
            ["Cloud:Telemetry:OtlpEndpoint"] = otlpEndpoint,
            [TelemetryServiceCollectionExtensions.AzureMonitorVariable] = connectionString,
        };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings.Where(s => s.Value is not null)).Build();
        var services = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(configuration);

        services.AddCloudTelemetry(configuration, "test");

        using var provider = services.BuildServiceProvider();
        Assert.Equal((metrics, traces), (provider.GetService<MeterProvider>() is not null, provider.GetService<TracerProvider>() is not null));
    }
}
