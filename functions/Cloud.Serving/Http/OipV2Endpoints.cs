using System.Diagnostics;
using Cloud.Registry;
using Cloud.Serving.Models;
using Cloud.Serving.Protocols;
using Cloud.Serving.Protocols.OipV2;
using Cloud.Serving.Routing;
using Cloud.Serving.Telemetry;

namespace Cloud.Serving.Http;

/// <summary>Open Inference Protocol v2 (KServe / Triton): server and model metadata, readiness and infer.</summary>
internal static class OipV2Endpoints
{
    public static IEndpointRouteBuilder MapOipV2(this IEndpointRouteBuilder app)
    {
        var s = ServingServices.From(app.ServiceProvider);
        app.MapGet("/v2", WriteServerMetadata);
        Map(app.MapGet, "", (c, model, version) => ModelMetadataAsync(c, s, model, version));
        Map(app.MapGet, "/ready", (c, model, version) => ReadyAsync(c, s, model, version));
        Map(app.MapPost, "/infer", (c, model, version) => InferAsync(c, s, model, version));
        return app;
    }

    /// <summary>One handler at the protocol's two addresses of a model: by name alone and by /versions/{v}.</summary>
    private static void Map(Func<string, RequestDelegate, IEndpointConventionBuilder> map, string suffix, Func<HttpContext, string, string?, Task> handler)
    {
        map($"/v2/models/{{model}}{suffix}", c => handler(c, RequestRouting.Value(c, "model"), null));
        map($"/v2/models/{{model}}/versions/{{version}}{suffix}", c => handler(c, RequestRouting.Value(c, "model"), RequestRouting.Value(c, "version")));
    }

    private static void WriteServerMetadata(HttpContext context)
    {
        JsonAnswer.Write(context.Response, typeof(OipV2Endpoints).Assembly.GetName().Version?.ToString(3) ?? "0.0.0", static (writer, version) => OipV2MetadataWriter.WriteServerMetadata(writer, version));
    }

    private static async Task InferAsync(HttpContext context, ServingServices s, string model, string? version)
    {
        using var activity = RequestTelemetry.Start();
        var decision = await RequestRouting.RouteOrWriteErrorAsync(context, s, model, version, null);
        if (decision is null)
        {
            return;
        }

        if (BinaryInferBody.HeaderProblem(context.Request) is { } problem)
        {
            await ErrorResponses.WriteAsync(context, problem.StatusCode, problem.Message);
            return;
        }

        RequestTelemetry.Routed(activity, decision);
        var routedAt = Stopwatch.GetTimestamp();
        using var body = new BodyLease(s.Bodies);
        var decoder = BinaryInferBody.DecoderFor(context.Request, s.Options);
        var request = decoder is null ? null : await RequestBody.ReadAndDecodeAsync(context, s, body, decision.Target.Served, decoder);
        var status = request is null
            ? context.Response.StatusCode
            : await Prediction.RunAsync(context, s.Statistics, decision, request.Request, (decision.Target.Served, Request: request),
                static (writer, s) => OipV2ResponseWriter.WriteInferResponse(writer, s.State.Served, s.State.Request.Id, s.Response, s.State.Request),
                static (response, s) => s.Request.AnyBinary(response.Outputs.Count) ? BinaryInferBody.BinaryOutputs(s.Request, response) : null);
        if (status != 0)
        {
            RequestTelemetry.Answered(activity, decision, status, routedAt);
        }
    }

    private static async Task ModelMetadataAsync(HttpContext context, ServingServices s, string model, string? version)
    {
        var decision = await RequestRouting.RouteOrWriteErrorAsync(context, s, model, version, null);
        if (decision is null)
        {
            return;
        }

        var versions = await s.Registry.ListVersionsAsync(model, context.RequestAborted);
        var table = s.Router.TableOf(model);
        JsonAnswer.Write(context.Response, (decision.Target.Served, Versions: versions.Where(v => table?.Serves(v.Status) ?? true).Select(v => v.Version)),
            static (writer, s) => OipV2MetadataWriter.WriteModelMetadata(writer, s.Served, s.Versions));
    }

    /// <summary>
    /// 200 when the version that would serve (or the one named) is loaded; 404/503 otherwise, without loading it. A 503
    /// says why in the error shape (loading, or the load failure), so a probe's log shows what is wrong with the model.
    /// </summary>
    private static async Task ReadyAsync(HttpContext context, ServingServices s, string model, string? version)
    {
        var (router, cache) = (s.Router, s.Cache);
        var table = router.TableOf(model) ?? await router.RefreshAsync(model, context.RequestAborted);
        if (table is null)
        {
            await ErrorResponses.WriteAsync(context, 404, $"Model '{model}' is not registered.");
            return;
        }

        var target = version ?? (table.Labels.TryGetValue("stable", out var stable) ? stable : table.Newest);
        if (target is not null && cache.TryGetAvailable(model, target) is not null)
        {
            context.Response.StatusCode = StatusCodes.Status200OK;
            return;
        }

        var load = target is null ? null : cache.GetStatus().FirstOrDefault(l => l.Model == model && l.Version == target);
        var reason = (target, load?.State) switch
        {
            (null, _) => $"Model '{model}' has no version that serves.",
            (_, ModelLoadState.Failed) => load!.Error!,
            (_, ModelLoadState.Loading) => $"{model} {target} is loading.",
            _ => $"{model} {target} is not loaded; it loads on its first request.",
        };
        await ErrorResponses.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, reason, TimeSpan.FromSeconds(1));
    }
}
