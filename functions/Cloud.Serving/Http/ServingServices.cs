using Cloud.Registry;
using Cloud.Serving.Models;
using Cloud.Serving.Routing;
using Cloud.Serving.Statistics;

namespace Cloud.Serving.Http;

/// <summary>
/// The singletons the protocol endpoints use, taken once when the routes are mapped. Every endpoint is then a plain
/// request delegate over them: a request opens no DI scope and binds no parameters through generated code, which
/// on the prediction path is about 1 µs of the host's ~70 µs per request (docs/performance.md).
/// </summary>
internal sealed record ServingServices(ServingOptions Options, RoutingOptions Routing, ModelRegistry Registry, ModelRouter Router, ModelCache Cache, BodyBudget Bodies,
    VersionRequestStatistics Statistics)
{
    public static ServingServices From(IServiceProvider services) => new(
        services.GetRequiredService<ServingOptions>(),
        services.GetRequiredService<RoutingOptions>(),
        services.GetRequiredService<ModelRegistry>(),
        services.GetRequiredService<ModelRouter>(),
        services.GetRequiredService<ModelCache>(),
        services.GetRequiredService<BodyBudget>(),
        services.GetRequiredService<VersionRequestStatistics>());
}
