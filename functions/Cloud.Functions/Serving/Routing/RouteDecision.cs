using Cloud.Functions.Serving.Models;

namespace Cloud.Functions.Serving.Routing;

/// <summary>Which loaded version serves a request, and how it was chosen ("version", "label:canary", "traffic:stable", "stable", "newest").</summary>
internal sealed record RouteDecision(LoadedModel Target, string Route);

/// <summary>A request cannot be routed; <see cref="StatusCode"/> is the HTTP status, the message says why.</summary>
internal sealed class RoutingException(int statusCode, string message) : Exception(message)
{
    public int StatusCode { get; } = statusCode;
}
