using System.Diagnostics;
using Cloud.Registry.Telemetry;
using Cloud.Serving.Routing;

namespace Cloud.Serving.Telemetry;

/// <summary>
/// One prediction as telemetry sees it: the "predict" span (started before routing, so it holds the routing decision;
/// the batcher's "queue wait" span and the batch's "run" span hang under and link to it) and one measurement of
/// <c>cloud.serving.request.duration</c> once the version is known. Requests that do not route (404, 400 for a
/// version and a label) have no version to count under: ASP.NET Core's http.server.request.duration counts them when
/// Cloud:Telemetry:HttpMetrics is on.
/// </summary>
internal static class RequestTelemetry
{
    /// <summary>The span of one prediction; null, at the price of one check, when no trace exporter listens.</summary>
    public static Activity? Start() => ServingTelemetry.Source.StartActivity("predict", ActivityKind.Internal);

    public static void Routed(Activity? activity, RouteDecision decision)
    {
        if (activity is not null)
        {
            activity.SetTag(TelemetryTags.ModelName, decision.Target.Model);
            activity.SetTag(TelemetryTags.ModelVersion, decision.Target.Version);
            activity.SetTag(TelemetryTags.Route, decision.Route);
        }
    }

    /// <summary>Records the answer: <paramref name="routedAt"/> is the <see cref="Stopwatch"/> timestamp of the routing decision.</summary>
    /// <param name="rpcSystem">"grpc" for a prediction through gRPC (its status is then the HTTP status it stands for, as the per-version counters keep it); null for HTTP.</param>
    public static void Answered(Activity? activity, RouteDecision decision, int status, long routedAt, string? rpcSystem = null)
    {
        var tags = new TagList
        {
            { TelemetryTags.ModelName, decision.Target.Model },
            { TelemetryTags.ModelVersion, decision.Target.Version },
            { TelemetryTags.Route, decision.Route },
            { TelemetryTags.HttpStatusCode, ServingTelemetry.Status(status) },
        };
        if (rpcSystem is not null)
        {
            tags.Add(TelemetryTags.RpcSystem, rpcSystem);
            activity?.SetTag(TelemetryTags.RpcSystem, rpcSystem);
        }

        ServingTelemetry.RequestDuration.Record(Stopwatch.GetElapsedTime(routedAt).TotalSeconds, tags);
        if (activity is not null)
        {
            activity.SetTag(TelemetryTags.HttpStatusCode, ServingTelemetry.Status(status));
            if (status >= 500)
            {
                // The conventions' rule for server spans: 4xx is the client's doing, only 5xx marks the span failed.
                activity.SetStatus(ActivityStatusCode.Error);
            }
        }
    }
}
