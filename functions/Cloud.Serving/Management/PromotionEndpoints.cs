using Cloud.Registry;
using Cloud.Registry.History;
using Cloud.Registry.Promotion;
using Cloud.Sdk.Manifests;
using Cloud.Serving.Routing;

namespace Cloud.Serving.Management;

/// <summary>
/// A version's histories and its explicit promotion (docs/api.md): the metric history and the promotion history kept
/// as blobs beside the job logs, and <c>POST .../promote</c>, which applies the manifest's <c>promotion.afterSoak</c>
/// (or the body's labels and split) at once through the same <see cref="VersionPromoter"/> the jobs use.
/// </summary>
internal static class PromotionEndpoints
{
    public static RouteGroupBuilder MapPromotion(this RouteGroupBuilder api)
    {
        api.MapGet("/models/{model}/versions/{version}/metrics", MetricsAsync);
        api.MapGet("/models/{model}/versions/{version}/promotions", PromotionsAsync);
        api.MapPost("/models/{model}/versions/{version}/promote", PromoteAsync);
        return api;
    }

    // The thresholds the version's manifest sets beside its history, so the judgment can be shown against them.
    private static async Task<IResult> MetricsAsync(string model, string version, ModelRegistry registry, VersionHistory history, RegisteredManifests manifests,
        CancellationToken cancellationToken) =>
        await registry.GetVersionAsync(model, version, cancellationToken) is null
            ? NoVersion(model, version)
            : TypedResults.Ok(new
            {
                model,
                version,
                metrics = await history.ReadMetricsAsync(model, version, cancellationToken),
                thresholds = (await manifests.ReadAsync(model, version, cancellationToken))?.Validation?.Thresholds ?? new Dictionary<string, double>(),
            });

    private static async Task<IResult> PromotionsAsync(string model, string version, ModelRegistry registry, VersionHistory history, CancellationToken cancellationToken) =>
        await registry.GetVersionAsync(model, version, cancellationToken) is null
            ? NoVersion(model, version)
            : TypedResults.Ok(new { model, version, promotions = await history.ReadPromotionsAsync(model, version, cancellationToken) });

    private static async Task<IResult> PromoteAsync(string model, string version, PromoteRequest? body, ModelRegistry registry, RegisteredManifests manifests,
        VersionPromoter promoter, ModelRouter router, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        if (await registry.GetVersionAsync(model, version, cancellationToken) is null)
        {
            return NoVersion(model, version);
        }

        // A body names the step itself; without one, the manifest's afterSoak step is the promotion policy's, so, as
        // every policy, it only promotes a validated version. Either way the registry's rules apply.
        PromotionAction action;
        var fromPolicy = body is not { SetLabels: not null } and not { Traffic: not null };
        if (!fromPolicy)
        {
            action = new PromotionAction { SetLabels = body!.SetLabels ?? [], Traffic = body.Traffic ?? [] };
            if ((action.SetLabels.Select(LabelName.Validate).FirstOrDefault(p => p is not null) ?? TrafficSplit.Check(action.Traffic)) is { } problem)
            {
                return ManagementErrors.Result(StatusCodes.Status400BadRequest, problem);
            }
        }
        else if ((await manifests.ReadAsync(model, version, cancellationToken))?.Promotion?.AfterSoak is { } afterSoak)
        {
            action = afterSoak.Action;
        }
        else
        {
            return ManagementErrors.Result(StatusCodes.Status409Conflict,
                $"{model} {version} has no promotion.afterSoak in its model.json; name what to apply: {{\"setLabels\": [\"stable\"], \"traffic\": {{\"stable\": 100}}}}.");
        }

        var result = await promoter.ApplyAsync(model, version, action, PromotionTriggers.Explicit, $"request-{Guid.NewGuid():N}", requireValidated: fromPolicy,
            loggers.CreateLogger("Cloud.Promotion"), cancellationToken);
        if (!result.Applied)
        {
            return ManagementErrors.Result(StatusCodes.Status409Conflict, result.Reason!);
        }

        // Rebuild routing now (loading any new target first), rather than at the next refresh.
        router.RefreshInBackground(model);
        return TypedResults.Ok(new { model, version, outcome = result.Outcome, steps = result.Steps });
    }

    private static IResult NoVersion(string model, string version) =>
        ManagementErrors.Result(StatusCodes.Status404NotFound, $"Model '{model}' has no version '{version}'.");
}
