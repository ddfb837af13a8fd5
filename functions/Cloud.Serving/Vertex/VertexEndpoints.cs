using Cloud.Serving.Http;
using Cloud.Serving.Protocols.TfServing;

namespace Cloud.Serving.Vertex;

/// <summary>
/// The two routes a Vertex AI prediction container answers (https://cloud.google.com/vertex-ai/docs/predictions/custom-container-requirements):
/// health, 503 until the deployed version is loaded and warmed, then 200; and predict, <c>{"instances": [...],
/// "parameters": {...}}</c> decoded by TF Serving's row reader and run through the version's micro-batcher, exactly as
/// <c>/v1/models/{m}:predict</c> runs it. Errors are the one shape every protocol here answers, which is Vertex's
/// too: <c>{"error": "..."}</c>.
/// </summary>
internal static class VertexEndpoints
{
    public static IEndpointRouteBuilder MapVertex(this IEndpointRouteBuilder app, VertexRoutes routes, IDeployedVersion deployed)
    {
        var s = ServingServices.From(app.ServiceProvider);
        app.MapGet(routes.HealthRoute, context => deployed.Loaded.IsCompletedSuccessfully
            ? JsonOkAsync(context, deployed.Loaded.Result, routes.DeployedModelId)
            : ErrorResponses.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, NotLoaded));
        app.MapPost(routes.PredictRoute, context => PredictAsync(context, s, deployed, routes.DeployedModelId));
        return app;
    }

    private const string NotLoaded = "The model from AIP_STORAGE_URI is not loaded yet; the health route answers 200 once it is.";

    private static Task JsonOkAsync(HttpContext context, (string Model, string Version) served, string? deployedModelId)
    {
        JsonAnswer.Write(context.Response, (served, deployedModelId), static (writer, state) =>
        {
            writer.WriteStartObject();
            writer.WriteString("model"u8, state.served.Model);
            writer.WriteString("version"u8, state.served.Version);
            if (state.deployedModelId is not null)
            {
                writer.WriteString("deployedModelId"u8, state.deployedModelId);
            }

            writer.WriteEndObject();
        });
        return Task.CompletedTask;
    }

    private static async Task PredictAsync(HttpContext context, ServingServices s, IDeployedVersion deployed, string? deployedModelId)
    {
        if (!deployed.Loaded.IsCompletedSuccessfully)
        {
            await ErrorResponses.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, NotLoaded, TimeSpan.FromSeconds(1));
            return;
        }

        var (model, version) = deployed.Loaded.Result;
        var decision = await RequestRouting.RouteOrWriteErrorAsync(context, s, model, version, null);
        if (decision is null)
        {
            return;
        }

        using var body = new BodyLease(s.Bodies);
        var request = await RequestBody.ReadAndDecodeAsync<TfServingRequest>(context, s, body, decision.Target.Served, TfServingRequestReader.TryRead);
        if (request is null)
        {
            return;
        }

        if (request.Format != TfServingFormat.Row)
        {
            await ErrorResponses.WriteAsync(context, StatusCodes.Status400BadRequest,
                "Vertex AI's predict body is {\"instances\": [...], \"parameters\": {...}}; this one gives \"inputs\" (TF Serving's columnar format), which the Vertex route does not take.");
            return;
        }

        await Prediction.RunAsync(context, s.Statistics, decision, request.Request, deployedModelId, static (writer, s) => VertexResponseWriter.Write(writer, s.Response, s.State));
    }
}
