using Cloud.Functions.Serving.Routing;

namespace Cloud.Functions.Serving.Http;

/// <summary>Routes a request for every protocol, writing the protocol error when it cannot be routed.</summary>
internal static class RequestRouting
{
    /// <summary>The routed version, or null after the error response (404, 400, 503) was written.</summary>
    public static async Task<RouteDecision?> RouteOrWriteErrorAsync(HttpContext context, ModelRouter router, string model, string? version, string? label, string? routingKeyHeader)
    {
        try
        {
            return await router.RouteAsync(model, version, label,
                routingKeyHeader is null ? null : context.Request.Headers[routingKeyHeader].FirstOrDefault(), context.RequestAborted);
        }
        catch (Exception error) when (ErrorResponses.For(error) is { } e)
        {
            await ErrorResponses.WriteAsync(context, e.Status, e.Message, e.RetryAfter);
            return null;
        }
    }

    /// <summary>A parameter of the matched route template, which is always there (routing decoded it already).</summary>
    public static string Value(HttpContext context, string name) => (string)context.Request.RouteValues[name]!;
}
