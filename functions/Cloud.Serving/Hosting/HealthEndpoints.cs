using Cloud.Serving.Models;

namespace Cloud.Serving.Hosting;

/// <summary>
/// Liveness and readiness (Open Inference Protocol's paths; also what Kubernetes-style probes call). Ready means every
/// <see cref="IReadinessSignal"/> of the host — the first routing pass with its loads, the first store scan — has finished.
/// </summary>
/// <remarks>
/// Readiness is the host's, not every model's: a probe that failed whenever one version could not load would take
/// every other model out of service with it. The answer names the versions that failed to load instead
/// (<c>{"ready": true, "unavailable": [{"model", "version", "reason"}]}</c>), and each model's own readiness is
/// <c>/v2/models/{m}/ready</c>.
/// </remarks>
internal static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        var signals = app.ServiceProvider.GetServices<IReadinessSignal>().ToArray();
        var cache = app.ServiceProvider.GetRequiredService<ModelCache>();
        app.MapGet("/v2/health/live", () => TypedResults.Ok());
        app.MapGet("/v2/health/ready", () =>
            signals.All(s => s.FirstPass.IsCompleted)
                ? Results.Ok(new
                {
                    ready = true,
                    unavailable = cache.GetStatus().Where(l => l.State == ModelLoadState.Failed).Select(l => new { model = l.Model, version = l.Version, reason = l.Error }),
                })
                : Results.Json(new { error = "Cloud is still loading its models." }, statusCode: StatusCodes.Status503ServiceUnavailable));
        return app;
    }
}
