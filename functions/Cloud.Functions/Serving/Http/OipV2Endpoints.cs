using Cloud.Functions.Hosting;
using Cloud.Functions.Registry;
using Cloud.Functions.Serving.Models;
using Cloud.Functions.Serving.Protocols;
using Cloud.Functions.Serving.Protocols.OipV2;
using Cloud.Functions.Serving.Routing;

namespace Cloud.Functions.Serving.Http;

/// <summary>Open Inference Protocol v2 (KServe / Triton): server and model metadata, readiness and infer.</summary>
internal static class OipV2Endpoints
{
    public static IEndpointRouteBuilder MapOipV2(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v2", WriteServerMetadata);
        app.MapGet("/v2/models/{model}", (HttpContext c, string model) => ModelMetadataAsync(c, model, null));
        app.MapGet("/v2/models/{model}/versions/{version}", (HttpContext c, string model, string version) => ModelMetadataAsync(c, model, version));
        app.MapGet("/v2/models/{model}/ready", (HttpContext c, string model) => ReadyAsync(c, model, null));
        app.MapGet("/v2/models/{model}/versions/{version}/ready", (HttpContext c, string model, string version) => ReadyAsync(c, model, version));
        // Infer is the hot path: see TfServingEndpoints.MapTfServing.
        var router = app.ServiceProvider.GetRequiredService<ModelRouter>();
        var options = app.ServiceProvider.GetRequiredService<CloudOptions>();
        app.MapPost("/v2/models/{model}/infer", c => InferAsync(c, router, options, RequestRouting.Value(c, "model"), null));
        app.MapPost("/v2/models/{model}/versions/{version}/infer", c => InferAsync(c, router, options, RequestRouting.Value(c, "model"), RequestRouting.Value(c, "version")));
        return app;
    }

    private static void WriteServerMetadata(HttpContext context)
    {
        JsonAnswer.Write(context.Response, typeof(OipV2Endpoints).Assembly.GetName().Version?.ToString(3) ?? "0.0.0", static (writer, version) => OipV2MetadataWriter.WriteServerMetadata(writer, version));
    }

    private static async Task InferAsync(HttpContext context, ModelRouter router, CloudOptions options, string model, string? version)
    {
        var decision = await RequestRouting.RouteOrWriteErrorAsync(context, router, model, version, null, options.Routing.RoutingKeyHeader);
        if (decision is null)
        {
            return;
        }

        var request = await RequestBody.ReadAndDecodeAsync<OipV2Request>(context, options, decision.Target.Served, OipV2RequestReader.TryRead);
        if (request is null)
        {
            return;
        }

        await Prediction.RunAsync(context, decision, request.Request, (decision.Target.Served, request.Id),
            static (writer, s) => OipV2ResponseWriter.WriteInferResponse(writer, s.State.Served, s.State.Id, s.Response));
    }

    private static async Task ModelMetadataAsync(HttpContext context, string model, string? version)
    {
        var decision = await RequestRouting.RouteOrWriteErrorAsync(context, context.RequestServices.GetRequiredService<ModelRouter>(), model, version, null, null);
        if (decision is null)
        {
            return;
        }

        var versions = await context.RequestServices.GetRequiredService<ModelRegistry>().ListVersionsAsync(model, context.RequestAborted);
        var table = context.RequestServices.GetRequiredService<ModelRouter>().TableOf(model);
        JsonAnswer.Write(context.Response, (decision.Target.Served, Versions: versions.Where(v => table?.Serves(v.Status) ?? true).Select(v => v.Version)),
            static (writer, s) => OipV2MetadataWriter.WriteModelMetadata(writer, s.Served, s.Versions));
    }

    /// <summary>200 when the version that would serve (or the one named) is loaded; 404/503 otherwise, without loading it.</summary>
    private static async Task ReadyAsync(HttpContext context, string model, string? version)
    {
        var router = context.RequestServices.GetRequiredService<ModelRouter>();
        var cache = context.RequestServices.GetRequiredService<ModelCache>();
        var table = router.TableOf(model) ?? await router.RefreshAsync(model, context.RequestAborted);
        if (table is null)
        {
            await ErrorResponses.WriteAsync(context, 404, $"Model '{model}' is not registered.");
            return;
        }

        var target = version ?? (table.Labels.TryGetValue("stable", out var stable) ? stable : table.Newest);
        context.Response.StatusCode = target is not null && cache.TryGetAvailable(model, target) is not null
            ? StatusCodes.Status200OK
            : StatusCodes.Status503ServiceUnavailable;
    }
}
