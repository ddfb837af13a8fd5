using System.Diagnostics;
using System.Diagnostics.Metrics;
using Cloud.Jobs.Runner;
using Cloud.Registry.Telemetry;
using Cloud.Sdk.Jobs;

namespace Cloud.Jobs.Telemetry;

/// <summary>
/// The jobs room's meter and activity source ("Cloud.Jobs"). A job crosses a queue, often into another process, so its
/// spans follow the messaging conventions: a producer span where it is submitted, whose W3C traceparent travels on the
/// job (<see cref="JobMessage.TraceParent"/>, kept on the job's row for every later attempt), and a consumer span per
/// run that links to it.
/// </summary>
internal static class JobsTelemetry
{
    public const string Name = "Cloud.Jobs";

    /// <summary>The destination in the messaging conventions' attributes: the queue's name on Service Bus and in SQLite alike.</summary>
    public const string Destination = "jobs";

    public static readonly ActivitySource Source = new(Name);

    private static readonly Meter Meter = new(Name);

    private static readonly Counter<long> Submitted = Meter.CreateCounter<long>(
        "cloud.jobs.submitted", "{job}", "Jobs created (a repeated submission of an existing job is not counted), by kind.");

    private static readonly Counter<long> Runs = Meter.CreateCounter<long>(
        "cloud.jobs.runs", "{run}", "Job runs that ended, by kind and how they ended (job.status).");

    private static readonly Histogram<double> RunDuration = Meter.CreateHistogram(
        "cloud.jobs.run.duration", "s", "How long a job run took, from its start to its outcome, by kind and how it ended.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = TelemetryBuckets.SlowSeconds });

    /// <summary>The producer span of a submission; null when nobody listens.</summary>
    public static Activity? StartSubmit(JobMessage message)
    {
        var activity = Source.StartActivity($"send {Destination}", ActivityKind.Producer);
        if (activity is not null)
        {
            activity.SetTag("messaging.operation.name", "send");
            activity.SetTag("messaging.destination.name", Destination);
            activity.SetTag(TelemetryTags.JobId, message.Id);
            activity.SetTag(TelemetryTags.JobKind, message.Kind);
        }

        return activity;
    }

    /// <summary>
    /// The traceparent a job carries: the submit span's, else the caller's (a request or a registration that has one),
    /// else none. Only W3C ids travel: the consumer parses them with <see cref="ActivityContext.TryParse(string, string, out ActivityContext)"/>.
    /// </summary>
    public static string? TraceParentOf(Activity? submit) =>
        (submit ?? Activity.Current) is { IdFormat: ActivityIdFormat.W3C } activity ? activity.Id : null;

    public static void Created(string kind) => Submitted.Add(1, new KeyValuePair<string, object?>(TelemetryTags.JobKind, kind));

    /// <summary>The consumer span of one run, linked to the submission when the job carries its traceparent.</summary>
    public static Activity? StartRun(JobMessage message, int run)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        ActivityLink[]? links = message.TraceParent is { } parent && ActivityContext.TryParse(parent, null, out var submitted)
            ? [new ActivityLink(submitted)]
            : null;
        var activity = Source.StartActivity($"process {Destination}", ActivityKind.Consumer, default(ActivityContext), links: links);
        if (activity is not null)
        {
            activity.SetTag("messaging.operation.name", "process");
            activity.SetTag("messaging.destination.name", Destination);
            activity.SetTag(TelemetryTags.JobId, message.Id);
            activity.SetTag(TelemetryTags.JobKind, message.Kind);
            activity.SetTag(TelemetryTags.ModelName, message.Model);
            activity.SetTag(TelemetryTags.ModelVersion, message.Version);
            activity.SetTag("job.run", run);
        }

        return activity;
    }

    public static void Ended(Activity? activity, JobMessage message, RunOutcome outcome, TimeSpan elapsed)
    {
        var status = StatusName(outcome.Status);
        var tags = new TagList { { TelemetryTags.JobKind, message.Kind }, { TelemetryTags.JobStatus, status } };
        Runs.Add(1, tags);
        RunDuration.Record(elapsed.TotalSeconds, tags);
        if (activity is not null)
        {
            activity.SetTag(TelemetryTags.JobStatus, status);
            if (outcome.Status is RunOutcomeStatus.Failed or RunOutcomeStatus.Retry)
            {
                activity.SetStatus(ActivityStatusCode.Error, outcome.Error);
            }
        }
    }

    private static string StatusName(RunOutcomeStatus status) => status switch
    {
        RunOutcomeStatus.Succeeded => "succeeded",
        RunOutcomeStatus.Failed => "failed",
        RunOutcomeStatus.Retry => "retry",
        RunOutcomeStatus.Interrupted => "interrupted",
        RunOutcomeStatus.Cancelled => "cancelled",
        RunOutcomeStatus.Superseded => "superseded",
        _ => "unknown",
    };
}
