using Cloud.Serving.Routing;

namespace Cloud.Serving.Http;

/// <summary>Routes a request for every protocol, writing the protocol error when it cannot be routed.</summary>
internal static class RequestRouting
{
    /// <summary>The routed version, or null after the error response (400, 404, 503) was written.</summary>
    public static async Task<RouteDecision?> RouteOrWriteErrorAsync(HttpContext context, ServingServices s, string model, string? version, string? label)
    {
        var routingKey = context.Request.Headers[s.Routing.RoutingKeyHeader].FirstOrDefault();
        var result = await s.Router.RouteAsync(model, version, label, routingKey, context.RequestAborted).ConfigureAwait(false);
        if (result.Succeeded)
        {
            return result.Decision;
        }

        var (status, retryAfter) = ErrorResponses.For(result.Failure);
        await ErrorResponses.WriteAsync(context, status, result.Problem, retryAfter).ConfigureAwait(false);
        return null;
    }

    /// <summary>A parameter of the matched route template, which is always there (routing decoded it already).</summary>
    public static string Value(HttpContext context, string name) => (string)context.Request.RouteValues[name]!;
}
