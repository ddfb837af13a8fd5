using System.Diagnostics;
using Cloud.Registry;
using Cloud.Serving.Models;
using Cloud.Serving.Protocols;
using Cloud.Serving.Protocols.TfServing;
using Cloud.Serving.Routing;
using Cloud.Serving.Telemetry;
using Cloud.Sdk.Registry;

namespace Cloud.Serving.Http;

/// <summary>
/// TensorFlow Serving's REST API (v1): predict, model status and metadata, each addressed by the model alone
/// (routing decides), by /versions/{v} or by /labels/{l}.
/// </summary>
internal static class TfServingEndpoints
{
    public static IEndpointRouteBuilder MapTfServing(this IEndpointRouteBuilder app)
    {
        var s = ServingServices.From(app.ServiceProvider);
        Map(app.MapPost, ":predict", (c, model, version, label) => PredictAsync(c, s, model, version, label));
        Map(app.MapGet, "", (c, model, version, label) => StatusAsync(c, s, model, version, label));
        Map(app.MapGet, "/metadata", (c, model, version, label) => MetadataAsync(c, s, model, version, label));
        return app;
    }

    /// <summary>One handler at TF Serving's three addresses of a model: by name alone, by /versions/{v} and by /labels/{l}.</summary>
    private static void Map(Func<string, RequestDelegate, IEndpointConventionBuilder> map, string suffix, Func<HttpContext, string, string?, string?, Task> handler)
    {
        map($"/v1/models/{{model}}{suffix}", c => handler(c, RequestRouting.Value(c, "model"), null, null));
        map($"/v1/models/{{model}}/versions/{{version}}{suffix}", c => handler(c, RequestRouting.Value(c, "model"), RequestRouting.Value(c, "version"), null));
        map($"/v1/models/{{model}}/labels/{{label}}{suffix}", c => handler(c, RequestRouting.Value(c, "model"), null, RequestRouting.Value(c, "label")));
    }

    private static async Task PredictAsync(HttpContext context, ServingServices s, string model, string? version, string? label)
    {
        using var activity = RequestTelemetry.Start();
        var decision = await RequestRouting.RouteOrWriteErrorAsync(context, s, model, version, label);
        if (decision is null)
        {
            return;
        }

        RequestTelemetry.Routed(activity, decision);
        var routedAt = Stopwatch.GetTimestamp();
        using var body = new BodyLease(s.Bodies);
        var request = await RequestBody.ReadAndDecodeAsync<TfServingRequest>(context, s, body, decision.Target.Served, TfServingRequestReader.TryRead);
        var status = request is null
            ? context.Response.StatusCode
            : await Prediction.RunAsync(context, s.Statistics, decision, request.Request, request.Format, static (writer, s) => TfServingResponseWriter.WritePredictResponse(writer, s.Response, s.State));
        if (status != 0)
        {
            RequestTelemetry.Answered(activity, decision, status, routedAt);
        }
    }

    private static async Task StatusAsync(HttpContext context, ServingServices s, string model, string? version, string? label)
    {
        var (registry, router, cache) = (s.Registry, s.Router, s.Cache);
        if (version is not null && label is not null)
        {
            await ErrorResponses.WriteAsync(context, 400, "Give a version or a label, not both.");
            return;
        }

        var versions = await registry.ListVersionsAsync(model, context.RequestAborted);
        if (versions.Count == 0)
        {
            await ErrorResponses.WriteAsync(context, 404, $"Model '{model}' is not registered.");
            return;
        }

        var table = router.TableOf(model) ?? await router.RefreshAsync(model, context.RequestAborted);
        if (label is not null && (table is null || !table.Labels.TryGetValue(label, out version)))
        {
            await ErrorResponses.WriteAsync(context, 404, $"Model '{model}' has no label '{label}'.");
            return;
        }

        var selected = versions.Where(v => version is null || v.Version == version).ToArray();
        if (selected.Length == 0)
        {
            await ErrorResponses.WriteAsync(context, 404, $"Model '{model}' has no version '{version}'.");
            return;
        }

        var loads = cache.GetStatus().Where(s => s.Model == model).ToDictionary(s => s.Version, StringComparer.Ordinal);
        JsonAnswer.Write(context.Response, selected.Select(v => StatusOf(v, loads.GetValueOrDefault(v.Version), table)), TfServingMetadataWriter.WriteModelStatus);
    }

    /// <summary>
    /// TF Serving's states for our versions: loaded → AVAILABLE, loading → LOADING, load failed or not servable →
    /// END with the reason, servable but not loaded yet (it loads on its first request) → START.
    /// </summary>
    private static TfVersionStatus StatusOf(ModelVersionInfo version, ModelLoadStatus? load, RoutingTable? table)
    {
        if (table is not null && !table.Serves(version.Status))
        {
            return new TfVersionStatus(version.Version, TfModelState.End, "FAILED_PRECONDITION",
                $"{version.Status.ToWireName()}{(version.FailureReason is null ? "" : ": " + version.FailureReason)}");
        }

        return load?.State switch
        {
            ModelLoadState.Available => new TfVersionStatus(version.Version, TfModelState.Available),
            ModelLoadState.Loading => new TfVersionStatus(version.Version, TfModelState.Loading),
            ModelLoadState.Failed => new TfVersionStatus(version.Version, TfModelState.End, "UNKNOWN", load.Error ?? "load failed"),
            _ => new TfVersionStatus(version.Version, TfModelState.Start),
        };
    }

    private static async Task MetadataAsync(HttpContext context, ServingServices s, string model, string? version, string? label)
    {
        var decision = await RequestRouting.RouteOrWriteErrorAsync(context, s, model, version, label);
        if (decision is null)
        {
            return;
        }

        context.Response.Headers[ServingHeaders.Version] = decision.Target.Version;
        JsonAnswer.Write(context.Response, decision.Target.Served, TfServingMetadataWriter.WriteMetadata);
    }
}
