using System.Diagnostics;
using Cloud.Registry.Telemetry;

namespace Cloud.Serving.Telemetry;

/// <summary>
/// One loaded version's batcher as telemetry sees it: its tags, made once, and what a finished batch records — the
/// batch size, the run time, each request's queue wait, and, when spans are exported, a "queue wait" span under each
/// request's span and one "run" span for the batch linked to all of them (a run serves many requests, so it cannot be
/// the child of one).
/// </summary>
internal sealed class BatcherTelemetry
{
    private readonly KeyValuePair<string, object?>[] _tags;

    public BatcherTelemetry(string model, string version)
    {
        Model = model;
        Version = version;
        _tags = [new(TelemetryTags.ModelName, model), new(TelemetryTags.ModelVersion, version)];
    }

    public string Model { get; }

    public string Version { get; }

    public ReadOnlySpan<KeyValuePair<string, object?>> Tags => _tags;

    /// <summary>The same tags for an observable instrument's measurement, which takes an enumerable.</summary>
    public IEnumerable<KeyValuePair<string, object?>> TagList => _tags;

    /// <summary>Reads the batcher's queued rows; set by the batcher, read by the queue-depth gauge.</summary>
    public Func<int>? QueuedRows { get; set; }

    /// <summary>The caller's span to link a queued request to; default when no span is being recorded (the usual case without a trace exporter).</summary>
    public static ActivityContext CurrentSpan() =>
        ServingTelemetry.Source.HasListeners() && Activity.Current is { Recorded: true } current ? current.Context : default;

    public void Rejected() => ServingTelemetry.Rejected.Add(1, Tags);

    /// <param name="rows">Rows of the batch (before padding).</param>
    /// <param name="runStarted">When the run started (UTC), for the spans.</param>
    /// <param name="runTime">How long the run took.</param>
    /// <param name="error">The run's failure, if it failed.</param>
    /// <param name="waits">Each request's wait, in the batch's order.</param>
    /// <param name="spans">Each request's span (default where none), in the same order.</param>
    public void Batch(int rows, DateTimeOffset runStarted, TimeSpan runTime, Exception? error, ReadOnlySpan<TimeSpan> waits, ReadOnlySpan<ActivityContext> spans)
    {
        var tags = Tags;
        ServingTelemetry.BatchSize.Record(rows, tags);
        ServingTelemetry.RunDuration.Record(runTime.TotalSeconds, tags);
        if (ServingTelemetry.QueueWait.Enabled)
        {
            foreach (var wait in waits)
            {
                ServingTelemetry.QueueWait.Record(wait.TotalSeconds, tags);
            }
        }

        if (!spans.IsEmpty)
        {
            Spans(rows, runStarted, runTime, error, waits, spans);
        }
    }

    private void Spans(int rows, DateTimeOffset runStarted, TimeSpan runTime, Exception? error, ReadOnlySpan<TimeSpan> waits, ReadOnlySpan<ActivityContext> spans)
    {
        List<ActivityLink>? links = null;
        for (var i = 0; i < spans.Length; i++)
        {
            if (spans[i] == default)
            {
                continue;
            }

            (links ??= []).Add(new ActivityLink(spans[i]));
            using var wait = ServingTelemetry.Source.StartActivity("queue wait", ActivityKind.Internal, spans[i], startTime: runStarted - waits[i]);
            wait?.SetEndTime(runStarted.UtcDateTime);
        }

        if (links is null)
        {
            return;
        }

        using var run = ServingTelemetry.Source.StartActivity("run", ActivityKind.Internal, default(ActivityContext), links: links, startTime: runStarted);
        if (run is null)
        {
            return;
        }

        run.SetTag(TelemetryTags.ModelName, Model);
        run.SetTag(TelemetryTags.ModelVersion, Version);
        run.SetTag("batch.rows", rows);
        run.SetTag("batch.requests", spans.Length);
        if (error is not null)
        {
            run.SetTag(TelemetryTags.ErrorType, error.GetType().FullName);
            run.SetStatus(ActivityStatusCode.Error, error.Message);
        }

        run.SetEndTime((runStarted + runTime).UtcDateTime);
    }
}
