using Cloud.Registry.Onnx;
using Cloud.Serving.Batching;
using Cloud.Serving.Protocols;
using Cloud.Serving.Routing;
using Cloud.Serving.Models;
using Microsoft.ML.OnnxRuntime;

namespace Cloud.Serving.Http;

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

    /// <summary>The status of a request that could not be routed (a version that failed to load may come back: Retry-After 1 s).</summary>
    public static (int Status, TimeSpan? RetryAfter) For(RouteFailure failure) => failure switch
    {
        RouteFailure.BadRequest => (StatusCodes.Status400BadRequest, null),
        RouteFailure.Unavailable => (StatusCodes.Status503ServiceUnavailable, TimeSpan.FromSeconds(1)),
        _ => (StatusCodes.Status404NotFound, null),
    };

    /// <summary>The error for an exception thrown while running or running a request, or null when it is not one of ours.</summary>
    public static (int Status, string Message, TimeSpan? RetryAfter)? For(Exception error) => error switch
    {
        BatchQueueFullException full => (StatusCodes.Status429TooManyRequests, full.Message, full.RetryAfter),
        BatcherStoppedException stopped => (StatusCodes.Status503ServiceUnavailable, stopped.Message, TimeSpan.FromSeconds(1)),
        BatchItemTooLargeException large => (StatusCodes.Status413PayloadTooLarge, large.Message, null),
        // A run whose shapes ask for more memory than runs may have: the client's error when it can never fit.
        OnnxRuntimeException ort when RunMemory.Describe(ort) is { } memory => memory.Permanent
            ? (StatusCodes.Status400BadRequest, memory.Message, null)
            : (StatusCodes.Status503ServiceUnavailable, memory.Message, TimeSpan.FromSeconds(1)),
        // ORT refusing the inputs (a shape or value the model's graph rejects) is the client's error; anything else is ours.
        OnnxRuntimeException ort when OrtErrors.CodeOf(ort) == OrtErrors.InvalidArgument => (StatusCodes.Status400BadRequest, OrtErrors.MessageOf(ort), null),
        OnnxRuntimeException ort => (StatusCodes.Status500InternalServerError, $"ONNX Runtime failed: {OrtErrors.MessageOf(ort)}", null),
        _ => null,
    };
}
