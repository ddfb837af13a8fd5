using Cloud.Registry;
using Cloud.Registry.Traffic;
using Cloud.Serving.Batching;
using Cloud.Serving.Models;
using Cloud.Serving.Statistics;

namespace Cloud.Serving.Management;

/// <summary>
/// <c>GET /api/models/{model}/stats</c> (docs/api.md): this process's last hour per version, minute by minute, from its
/// own in-memory windows (<see cref="MinuteWindow"/>), and each loaded version's batch sizes — what the dashboard draws,
/// with no monitoring stack. Another process (another replica, the Functions app's other instances) counts its own.
/// </summary>
internal static class StatsEndpoints
{
    public static RouteGroupBuilder MapStats(this RouteGroupBuilder api)
    {
        api.MapGet("/models/{model}/stats", StatsAsync);
        return api;
    }

    private static async Task<IResult> StatsAsync(string model, ModelRegistry registry, VersionRequestStatistics statistics, ModelCache cache, CancellationToken cancellationToken)
    {
        var registered = await registry.ListVersionsAsync(model, cancellationToken);
        if (registered.Count == 0)
        {
            return ManagementErrors.Result(StatusCodes.Status404NotFound, $"Model '{model}' is not registered.");
        }

        var now = statistics.Now;
        var counted = statistics.LastHour(model).ToDictionary(v => v.Version, v => v.Minutes, StringComparer.Ordinal);
        var loaded = cache.GetStatus().Where(s => s.Model == model).ToDictionary(s => s.Version, s => s.Batching, StringComparer.Ordinal);

        // Every registered version, lowest first (the registry lists newest first), so a chart's series are the model's
        // versions whether or not they were asked for.
        var empty = new MinuteWindow().Read(now);
        var versions = registered.Select(v => v.Version).Reverse().Select(version =>
        {
            var minutes = counted.GetValueOrDefault(version) ?? empty;
            return new VersionStats(version, Summarize(minutes), minutes.Select(PerMinute).ToArray(), Batches(loaded.GetValueOrDefault(version)));
        }).ToArray();
        return TypedResults.Ok(new ModelStats(model, now, MinuteWindow.Minutes, versions));
    }

    private static MinuteStats PerMinute(MinuteCounts minute) => new(minute.At, minute.Requests, minute.ServerErrors, minute.ClientErrors,
        LatencyBuckets.Quantile(minute.LatencyBuckets, 0.5), LatencyBuckets.Quantile(minute.LatencyBuckets, 0.99));

    private static HourStats Summarize(MinuteCounts[] minutes)
    {
        var buckets = new long[LatencyBuckets.Count];
        foreach (var minute in minutes)
        {
            for (var b = 0; b < buckets.Length; b++)
            {
                buckets[b] += minute.LatencyBuckets[b];
            }
        }

        var requests = minutes.Sum(m => m.Requests);
        var serverErrors = minutes.Sum(m => m.ServerErrors);
        return new HourStats(requests, serverErrors, minutes.Sum(m => m.ClientErrors), requests == 0 ? null : (double)serverErrors / requests,
            LatencyBuckets.Quantile(buckets, 0.5), LatencyBuckets.Quantile(buckets, 0.99));
    }

    private static BatchStats? Batches(BatchStatistics? batching) => batching is null
        ? null
        : new BatchStats(batching.Batches, batching.Rows, batching.PaddedRows, batching.BatchSizes);
}

/// <summary>The answer of GET /api/models/{model}/stats.</summary>
internal sealed record ModelStats(string Model, DateTimeOffset At, int Minutes, IReadOnlyList<VersionStats> Versions);

/// <summary>One version's last hour: its sums, each minute (oldest first), and its batches while it is loaded (null otherwise).</summary>
internal sealed record VersionStats(string Version, HourStats LastHour, IReadOnlyList<MinuteStats> PerMinute, BatchStats? Batching);

/// <summary>The hour's sums; the error rate is 5xx over requests, as a soak judges it; latencies are null without requests.</summary>
internal sealed record HourStats(long Requests, long ServerErrors, long ClientErrors, double? ErrorRate, double? P50Ms, double? P99Ms);

/// <summary>One minute from <see cref="At"/>; latencies are null in a minute without requests.</summary>
internal sealed record MinuteStats(DateTimeOffset At, long Requests, long ServerErrors, long ClientErrors, double? P50Ms, double? P99Ms);

/// <summary>A loaded version's batches since it was loaded, with how many real rows they had.</summary>
internal sealed record BatchStats(long Batches, long Rows, long PaddedRows, IReadOnlyList<BatchSizeBucket> BatchSizes);
