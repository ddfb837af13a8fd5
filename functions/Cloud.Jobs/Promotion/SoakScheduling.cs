using System.Globalization;
using Cloud.Registry;
using Cloud.Registry.Traffic;
using Cloud.Sdk.Jobs;
using Cloud.Sdk.Manifests;

namespace Cloud.Jobs.Promotion;

/// <summary>
/// Queues the promote job that judges a canary when its soak window has passed: a message delayed by the window, with
/// an id made of the model, version and round (<c>promote-{model}-{version}-soak{round}</c>), so a redelivered
/// validate job, or a second validation of the same version, submits the same job and nothing more.
/// </summary>
internal sealed partial class SoakScheduling(JobSubmitter jobs, ModelRegistry registry, VersionTrafficStore traffic)
{
    /// <summary>Windows a canary gets to reach <c>minRequests</c>; after the last it is held, and a person decides.</summary>
    public const int MaxRounds = 3;

    public static string JobId(string model, string version, int round) =>
        JobIds.Create(string.Create(CultureInfo.InvariantCulture, $"soak{round}"), JobKinds.Promote, model, version);

    /// <summary>
    /// Starts the soak when the version now takes a share of the split (a label on it with weight above 0); returns the
    /// job's id, or null when the version takes no unlabelled traffic, so there would be nothing to judge.
    /// </summary>
    public async Task<string?> StartAsync(string model, string version, SoakPromotion soak, ILogger log, CancellationToken cancellationToken)
    {
        var labels = await registry.GetLabelsAsync(model, cancellationToken).ConfigureAwait(false);
        var policy = await registry.GetPolicyAsync(model, cancellationToken).ConfigureAwait(false);
        if (!labels.Any(l => l.Version == version && policy.Traffic.GetValueOrDefault(l.Label) > 0))
        {
            LogNoTraffic(log, model, version);
            return null;
        }

        var compared = labels.FirstOrDefault(l => l.Label == soak.CompareWith)?.Version;
        var since = new PromoteJobSpec(1, compared,
            await traffic.TotalAsync(model, version, cancellationToken).ConfigureAwait(false),
            compared is null ? VersionTraffic.None : await traffic.TotalAsync(model, compared, cancellationToken).ConfigureAwait(false));
        return await SubmitAsync(model, version, since, soak.Window, log, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Queues the next round over the same start, so its window holds the requests of every round so far.</summary>
    public Task<string> NextRoundAsync(string model, string version, PromoteJobSpec spec, SoakPromotion soak, ILogger log, CancellationToken cancellationToken) =>
        SubmitAsync(model, version, spec with { Round = spec.Round + 1 }, soak.Window, log, cancellationToken);

    private async Task<string> SubmitAsync(string model, string version, PromoteJobSpec spec, TimeSpan window, ILogger log, CancellationToken cancellationToken)
    {
        var id = JobId(model, version, spec.Round);
        await jobs.SubmitAsync(new JobMessage(id, JobKinds.Promote, model, version, spec.ToJson(), 1), cancellationToken, window).ConfigureAwait(false);
        LogScheduled(log, id, model, version, window);
        return id;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Model} {Version} takes no share of the traffic split, so there is no soak to judge; promote it explicitly")]
    private static partial void LogNoTraffic(ILogger log, string model, string version);

    [LoggerMessage(Level = LogLevel.Information, Message = "Queued {JobId} to judge {Model} {Version} after its soak window of {Window}")]
    private static partial void LogScheduled(ILogger log, string jobId, string model, string version, TimeSpan window);
}
