using System.Diagnostics.CodeAnalysis;
using Cloud.Serving.Models;

namespace Cloud.Serving.Routing;

/// <summary>Which loaded version serves a request, and how it was chosen ("version", "label:canary", "traffic:stable", "stable", "newest").</summary>
internal sealed record RouteDecision(LoadedModel Target, string Route);

/// <summary>Why a request could not be routed; each protocol maps it to its status in one place (ErrorResponses).</summary>
internal enum RouteFailure
{
    /// <summary>The address itself is contradictory (a version and a label).</summary>
    BadRequest,
    /// <summary>No such model, version or label, or the version does not serve.</summary>
    NotFound,
    /// <summary>The version exists and serves, but could not be loaded now (a client may retry).</summary>
    Unavailable,
}

/// <summary>The outcome of routing: a decision, or a failure with the sentence that explains it. Routing throws only for the unexpected.</summary>
internal readonly record struct RouteResult(RouteDecision? Decision, RouteFailure Failure, string? Problem)
{
    [MemberNotNullWhen(true, nameof(Decision))]
    [MemberNotNullWhen(false, nameof(Problem))]
    public bool Succeeded => Decision is not null;

    public static RouteResult Routed(RouteDecision decision) => new(decision, default, null);

    public static RouteResult Fail(RouteFailure failure, string problem) => new(null, failure, problem);
}
