using Cloud.Functions.Serving.Routing;

namespace Cloud.Functions.Hosting;

/// <summary>
/// Liveness and readiness (Open Inference Protocol's paths; also what Kubernetes-style probes call). Ready means
/// the first scan of the store and the first routing pass — which loads every routed version — have finished.
/// </summary>
internal static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v2/health/live", () => TypedResults.Ok());
        app.MapGet("/v2/health/ready", (StoreScanner scanner, RoutingRefresher refresher) =>
            scanner.FirstPass.IsCompleted && refresher.FirstPass.IsCompleted
                ? Results.Ok()
                : Results.Json(new { error = "Cloud is still loading its models." }, statusCode: StatusCodes.Status503ServiceUnavailable));
        return app;
    }
}
