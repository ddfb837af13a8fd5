using Cloud.Functions.Serving.Batching;
using Cloud.Functions.Serving.Protocols;
using Cloud.Functions.Serving.Routing;
using Cloud.Functions.Serving.Models;
using Microsoft.ML.OnnxRuntime;

namespace Cloud.Functions.Serving.Http;

/// <summary>
/// Turns every way a prediction can fail into the protocols' one error shape, {"error": "..."}, with the status
/// TF Serving uses for it: bad input 400, unknown model/version/label 404, too large (body, or more rows than a batch holds) 413, overload 429 with
/// Retry-After, a version that is loading or unloading 503.
/// </summary>
internal static class ErrorResponses
{
    public static Task WriteAsync(HttpContext context, int status, string message, TimeSpan? retryAfter = null)
    {
        context.Response.StatusCode = status;
        if (retryAfter is { } wait)
        {
            context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        JsonAnswer.Write(context.Response, new ProtocolError(status, message), static (writer, error) => error.WriteTo(writer));
        return Task.CompletedTask;
    }

    /// <summary>The error for an exception thrown while routing or running a request, or null when it is not one of ours.</summary>
    public static (int Status, string Message, TimeSpan? RetryAfter)? For(Exception error) => error switch
    {
        RoutingException routing => (routing.StatusCode, routing.Message, routing.StatusCode == 503 ? TimeSpan.FromSeconds(1) : null),
        BatchQueueFullException full => (StatusCodes.Status429TooManyRequests, full.Message, full.RetryAfter),
        BatcherStoppedException stopped => (StatusCodes.Status503ServiceUnavailable, stopped.Message, TimeSpan.FromSeconds(1)),
        BatchItemTooLargeException large => (StatusCodes.Status413PayloadTooLarge, large.Message, null),
        // ORT refusing the inputs (a shape or value the model's graph rejects) is the client's error; anything else is ours.
        OnnxRuntimeException ort when OrtErrors.CodeOf(ort) == OrtErrors.InvalidArgument => (StatusCodes.Status400BadRequest, OrtErrors.MessageOf(ort), null),
        OnnxRuntimeException ort => (StatusCodes.Status500InternalServerError, $"ONNX Runtime failed: {OrtErrors.MessageOf(ort)}", null),
        _ => null,
    };
}
