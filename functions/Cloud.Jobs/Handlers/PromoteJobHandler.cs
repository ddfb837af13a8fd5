using Cloud.Jobs.Promotion;
using Cloud.Jobs.Runner;
using Cloud.Registry;
using Cloud.Registry.History;
using Cloud.Registry.Promotion;
using Cloud.Registry.Traffic;
using Cloud.Sdk.Jobs;

namespace Cloud.Jobs.Handlers;

/// <summary>
/// The promote job: after a canary's soak window, compares its error rate and p95 latency over the window with the
/// version's under <c>compareWith</c> (from the serving hosts' published per-version statistics) and applies the
/// manifest's <c>promotion.afterSoak</c> when it is no worse. Worse: held, nothing changes. Too few requests: the next
/// round is queued (the window grows), up to <see cref="SoakScheduling.MaxRounds"/>, then held. Every ending is an entry
/// of the version's promotion history keyed by the job id, so a repeated run judges and applies nothing twice.
/// </summary>
internal sealed partial class PromoteJobHandler(RegisteredManifests manifests, VersionTrafficStore traffic, VersionPromoter promoter, VersionHistory history,
    SoakScheduling soak, TimeProvider time) : IJobHandler
{
    public string Kind => JobKinds.Promote;

    public string? Check(JobMessage message) =>
        string.IsNullOrEmpty(message.Model) || string.IsNullOrEmpty(message.Version) ? "A promote job names the model and the version to promote."
        : PromoteJobSpec.From(message.Spec) is null ? "A promote job's spec gives its round and the counts its soak started from; the validate job queues it with them."
        : null;

    public async Task<JobResult> RunAsync(JobContext context, CancellationToken cancellationToken)
    {
        if (Check(context.Message) is { } problem)
        {
            throw new JobFailedException(problem);
        }

        var (model, version, jobId) = (context.Message.Model!, context.Message.Version!, context.Message.Id);
        var spec = PromoteJobSpec.From(context.Message.Spec)!;
        if ((await history.ReadPromotionsAsync(model, version, cancellationToken).ConfigureAwait(false)).FirstOrDefault(e => e.Key == jobId) is { } done)
        {
            LogAlreadyJudged(context.Log, jobId, model, version, done.Outcome);
            return new JobResult($"{model} {version}: {done.Outcome} before by this job ({string.Join("; ", done.Steps.Append(done.Reason).OfType<string>())})");
        }

        var afterSoak = (await manifests.ReadAsync(model, version, cancellationToken).ConfigureAwait(false))?.Promotion?.AfterSoak
            ?? throw new JobFailedException($"{model} {version} has no promotion.afterSoak in its manifest; there is nothing to judge.");

        var candidate = (await traffic.TotalAsync(model, version, cancellationToken).ConfigureAwait(false)).Minus(spec.CandidateSince);
        var compared = spec.ComparedVersion is { } other
            ? (await traffic.TotalAsync(model, other, cancellationToken).ConfigureAwait(false)).Minus(spec.ComparedSince)
            : VersionTraffic.None;
        var comparedName = spec.ComparedVersion is null ? $"'{afterSoak.CompareWith}' (no version)" : $"{spec.ComparedVersion} ('{afterSoak.CompareWith}')";
        var verdict = SoakJudge.Judge(candidate, compared, comparedName, afterSoak);
        LogJudged(context.Log, model, version, spec.Round, verdict.Reason);

        switch (verdict.Finding)
        {
            case SoakFinding.NoWorse:
                var result = await promoter.ApplyAsync(model, version, afterSoak.Action, PromotionTriggers.AfterSoak, jobId, requireValidated: true, context.Log, cancellationToken)
                    .ConfigureAwait(false);
                return result.Applied
                    ? new JobResult($"{model} {version} promoted after its soak: {verdict.Reason}; {result.Describe()}")
                    : throw new JobFailedException($"{model} {version} passed its soak ({verdict.Reason}), but its promotion failed: {result.Reason}");
            case SoakFinding.TooFewRequests when spec.Round < SoakScheduling.MaxRounds:
                var next = await soak.NextRoundAsync(model, version, spec, afterSoak, context.Log, cancellationToken).ConfigureAwait(false);
                await RecordAsync(model, version, jobId, PromotionOutcomes.Rescheduled, $"{verdict.Reason}; {next} looks again after another {afterSoak.Window}", cancellationToken)
                    .ConfigureAwait(false);
                return new JobResult($"{model} {version} not judged yet: {verdict.Reason}; {next} looks again after another {afterSoak.Window}");
            default:
                var reason = verdict.Finding == SoakFinding.TooFewRequests ? $"{verdict.Reason}, after {spec.Round} windows; promote it explicitly to go on" : verdict.Reason;
                await RecordAsync(model, version, jobId, PromotionOutcomes.Held, reason, cancellationToken).ConfigureAwait(false);
                return new JobResult($"{model} {version} held: {reason}");
        }
    }

    private Task<bool> RecordAsync(string model, string version, string jobId, string outcome, string reason, CancellationToken cancellationToken) =>
        history.AppendPromotionAsync(model, version, new PromotionHistoryEntry(time.GetUtcNow(), jobId, PromotionTriggers.AfterSoak, outcome, [], reason), cancellationToken);

    [LoggerMessage(Level = LogLevel.Information, Message = "Soak of {Model} {Version}, round {Round}: {Reason}")]
    private static partial void LogJudged(ILogger log, string model, string version, int round, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} already judged {Model} {Version} ({Outcome}); nothing is done again")]
    private static partial void LogAlreadyJudged(ILogger log, string jobId, string model, string version, string outcome);
}
