using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Cloud.Registry.Telemetry;

namespace Cloud.Serving.Telemetry;

/// <summary>
/// The serving room's meter and activity source ("Cloud.Serving") and its instruments, created once per process.
/// Each is recorded with a <see cref="TagList"/> (no allocation for up to eight tags); with no listener a record is
/// one enabled check.
/// </summary>
internal static class ServingTelemetry
{
    public const string Name = "Cloud.Serving";

    public static readonly ActivitySource Source = new(Name);

    private static readonly Meter Meter = new(Name);

    /// <summary>Every prediction routed to a version, from routed to answered; its count is the request count.</summary>
    public static readonly Histogram<double> RequestDuration = Meter.CreateHistogram(
        "cloud.serving.request.duration", "s", "Predictions routed to a version, from the routing decision to the answer written, by version, route and status.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = TelemetryBuckets.FastSeconds });

    public static readonly Histogram<double> QueueWait = Meter.CreateHistogram(
        "cloud.serving.queue.wait", "s", "How long a request waited in its version's batcher before its batch started to run.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = TelemetryBuckets.FastSeconds });

    public static readonly Histogram<double> RunDuration = Meter.CreateHistogram(
        "cloud.serving.run.duration", "s", "How long one batch's model run took (ONNX Runtime and the tensors around it).",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = TelemetryBuckets.FastSeconds });

    public static readonly Histogram<long> BatchSize = Meter.CreateHistogram(
        "cloud.serving.batch.size", "{row}", "Rows of the requests one batch ran (before padding).",
        advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = TelemetryBuckets.Rows });

    public static readonly Counter<long> Rejected = Meter.CreateCounter<long>(
        "cloud.serving.queue.rejected", "{request}", "Requests refused with 429 because their version's batcher queue was full.");

    public static readonly Counter<long> Loads = Meter.CreateCounter<long>(
        "cloud.serving.model.loads", "{load}", "Model version loads into the cache, by outcome (loaded, failed).");

    public static readonly Histogram<double> LoadDuration = Meter.CreateHistogram(
        "cloud.serving.model.load.duration", "s", "How long a load took: the copy, its hash check, the session and the warm-up.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = TelemetryBuckets.SlowSeconds });

    public static readonly Counter<long> Evictions = Meter.CreateCounter<long>(
        "cloud.serving.model.evictions", "{version}", "Versions unloaded by the cache (least recently used, over its limits).");

    /// <summary>Batchers alive now, read by the queue-depth gauge when a reader collects: nothing on the request path.</summary>
    private static readonly ConcurrentDictionary<BatcherTelemetry, byte> Batchers = new();

    private static readonly ObservableGauge<int> QueueDepth = Meter.CreateObservableGauge(
        "cloud.serving.queue.depth", ObserveQueueDepth, "{row}", "Rows waiting in each loaded version's batcher now.");

    /// <summary>Boxed status codes, made once: a status in a TagList is an object, and boxing one per request would allocate.</summary>
    private static readonly object[] Statuses = [.. Enumerable.Range(0, 600).Select(s => (object)s)];

    public static object Status(int status) => (uint)status < (uint)Statuses.Length ? Statuses[status] : status;

    public static void Track(BatcherTelemetry batcher) => Batchers.TryAdd(batcher, 0);

    public static void Untrack(BatcherTelemetry batcher) => Batchers.TryRemove(batcher, out _);

    public static void Loaded(string model, string version, TimeSpan elapsed, bool failed)
    {
        var tags = new TagList { { TelemetryTags.ModelName, model }, { TelemetryTags.ModelVersion, version }, { TelemetryTags.LoadOutcome, failed ? "failed" : "loaded" } };
        Loads.Add(1, tags);
        LoadDuration.Record(elapsed.TotalSeconds, tags);
    }

    public static void Evicted(string model, string version) =>
        Evictions.Add(1, new TagList { { TelemetryTags.ModelName, model }, { TelemetryTags.ModelVersion, version } });

    private static IEnumerable<Measurement<int>> ObserveQueueDepth()
    {
        foreach (var batcher in Batchers.Keys)
        {
            if (batcher.QueuedRows is { } queued)
            {
                yield return new Measurement<int>(queued(), batcher.TagList);
            }
        }
    }
}
