namespace Cloud.Serving.Hosting;

/// <summary>
/// Liveness and readiness (Open Inference Protocol's paths; also what Kubernetes-style probes call). Ready means every
/// <see cref="IReadinessSignal"/> of the host — the first routing pass with its loads, the first store scan — has finished.
/// </summary>
internal static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        var signals = app.ServiceProvider.GetServices<IReadinessSignal>().ToArray();
        app.MapGet("/v2/health/live", () => TypedResults.Ok());
        app.MapGet("/v2/health/ready", () =>
            signals.All(s => s.FirstPass.IsCompleted)
                ? Results.Ok()
                : Results.Json(new { error = "Cloud is still loading its models." }, statusCode: StatusCodes.Status503ServiceUnavailable));
        return app;
    }
}
