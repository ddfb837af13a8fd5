using System.Diagnostics;
using System.Text.Json;
using Cloud.Serving.Protocols;
using Cloud.Serving.Routing;
using Cloud.Serving.Statistics;
using Cloud.Serving.Tensors;

namespace Cloud.Serving.Http;

/// <summary>The part of a prediction every protocol shares once its body is decoded: run, then answer or fail.</summary>
internal static class Prediction
{
    /// <summary>Runs a decoded request on the routed version and writes the answer with the serving headers; the status answered, 0 when the client left first.</summary>
    /// <param name="binary">The outputs to send as raw bytes after the JSON (the binary tensor data extension); null or none for JSON alone.</param>
    public static async Task<int> RunAsync<TState>(HttpContext context, VersionRequestStatistics statistics, RouteDecision decision, InferenceRequest request, TState state,
        Action<Utf8JsonWriter, (InferenceResponse Response, TState State)> write, Func<InferenceResponse, TState, IReadOnlyList<Tensor>?>? binary = null)
    {
        // Counted per version for promotion's soak (error rate, latency): from the decoded request to the answer written,
        // the part of a request that the version decides.
        var started = Stopwatch.GetTimestamp();
        var counters = statistics.For(decision.Target.Model, decision.Target.Version);
        if (!decision.Target.Served.AllowNonFinite && NonFiniteInputs.Describe(request) is { } nonFinite)
        {
            await ErrorResponses.WriteAsync(context, StatusCodes.Status400BadRequest, nonFinite);
            counters.Record(StatusCodes.Status400BadRequest, Stopwatch.GetTimestamp() - started);
            return StatusCodes.Status400BadRequest;
        }

        InferenceResponse response;
        try
        {
            response = await decision.Target.PredictAsync(request, context.RequestAborted);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return 0; // The client has gone; its request was dropped before it was computed, or its answer is not wanted.
        }
        catch (Exception error) when (ErrorResponses.For(error) is { } e)
        {
            await ErrorResponses.WriteAsync(context, e.Status, e.Message, e.RetryAfter);
            counters.Record(e.Status, Stopwatch.GetTimestamp() - started);
            return e.Status;
        }

        var headers = context.Response.Headers;
        headers[ServingHeaders.Model] = decision.Target.Model;
        headers[ServingHeaders.Version] = decision.Target.Version;
        headers[ServingHeaders.Route] = decision.Route;
        // No flush: Kestrel sends the whole answer in one write when the request ends.
        JsonAnswer.Write(context.Response, (response, state), write, binary?.Invoke(response, state));
        counters.Record(StatusCodes.Status200OK, Stopwatch.GetTimestamp() - started);
        return StatusCodes.Status200OK;
    }
}
