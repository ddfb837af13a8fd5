using Cloud.Jobs.Promotion;
using Cloud.Jobs.Runner;
using Cloud.Jobs.Validation;
using Cloud.Registry;
using Cloud.Registry.History;
using Cloud.Registry.Promotion;
using Cloud.Sdk.Jobs;
using Cloud.Sdk.Registry;

namespace Cloud.Jobs.Handlers;

/// <summary>
/// The validate job: asks the validator for a verdict on the job's version, appends it to the version's metric
/// history, records it on the version through the registry (validated, or rejected with the reason; the row keeps the
/// latest metrics), and for a validated version applies the manifest's <c>promotion.onValidated</c>, queuing the
/// <c>afterSoak</c> judgement when the version now takes traffic. Each step is idempotent by the job's id or by
/// comparing state, so a run repeated after its runner died writes nothing twice; a version retired or failed
/// meanwhile keeps its status and is never promoted.
/// </summary>
internal sealed partial class ValidateJobHandler(ModelRegistry registry, IVersionValidator validator, VersionHistory history, RegisteredManifests manifests,
    VersionPromoter promoter, SoakScheduling soak, TimeProvider time) : IJobHandler
{
    private const string MissingVersion = "A validate job names the model and the version to validate.";

    public string Kind => JobKinds.Validate;

    public string? Check(JobMessage message) => string.IsNullOrEmpty(message.Model) || string.IsNullOrEmpty(message.Version) ? MissingVersion : null;

    public async Task<JobResult> RunAsync(JobContext context, CancellationToken cancellationToken)
    {
        if (Check(context.Message) is { } problem)
        {
            throw new JobFailedException(problem);
        }

        var (model, version, jobId) = (context.Message.Model!, context.Message.Version!, context.Message.Id);

        var info = await registry.GetVersionAsync(model, version, cancellationToken).ConfigureAwait(false)
            ?? throw new JobFailedException($"Model '{model}' has no version '{version}'.");
        if (info.Status is ModelVersionStatus.Failed or ModelVersionStatus.Retired)
        {
            throw new JobFailedException($"{model} {version} is {info.Status.ToWireName()}; there is nothing to validate.");
        }

        var verdict = await validator.ValidateAsync(info, context, cancellationToken).ConfigureAwait(false);
        var status = verdict.Passed ? ModelVersionStatus.Validated : ModelVersionStatus.Rejected;
        var statusName = status.ToWireName();
        var at = time.GetUtcNow();

        // The history first: a row that shows the latest metrics always has them in the history behind it.
        var added = await history.AppendMetricsAsync(model, version, new MetricsHistoryEntry(at, jobId, statusName, verdict.Reason, verdict.Dataset, verdict.Rows,
            verdict.Metrics, verdict.BaselineVersion, verdict.BaselineMetrics), cancellationToken).ConfigureAwait(false);
        if (!added)
        {
            LogHistoryHadRun(context.Log, model, version, jobId);
        }

        ModelVersionInfo? recorded;
        try
        {
            recorded = await registry.RecordVerdictAsync(model, version, verdict.Passed, verdict.Reason, new MetricsRecord(at, verdict.Dataset, verdict.Metrics, jobId),
                cancellationToken).ConfigureAwait(false);
        }
        catch (RegistryException error) when (error.Error is RegistryError.RuleViolation or RegistryError.NotFound)
        {
            // A label still points at a version that failed its validation: an operator must move the label first.
            throw new JobFailedException($"{model} {version} could not be marked {statusName}: {error.Message}", error);
        }

        if (recorded is null)
        {
            // Failed or retired while it was measured: the verdict stays in the job, the version as it is.
            var now = (await registry.GetVersionAsync(model, version, cancellationToken).ConfigureAwait(false))?.Status.ToWireName() ?? "gone";
            LogVerdictNotRecorded(context.Log, model, version, now, statusName, verdict.Reason);
            return new JobResult($"{model} {version} is {now}; its verdict ({statusName}: {verdict.Reason}) was not recorded");
        }

        LogVerdict(context.Log, model, version, statusName, verdict.Reason);
        var summary = $"{model} {version} {statusName}: {verdict.Reason}";
        return recorded.Status == ModelVersionStatus.Validated
            ? new JobResult(summary + await PromoteAsync(context, model, version, cancellationToken).ConfigureAwait(false))
            : new JobResult(summary); // a rejected version never receives traffic from a policy
    }

    /// <summary>Applies onValidated and starts the soak; what it did, as the end of the job's summary ("" when the manifest asks nothing).</summary>
    private async Task<string> PromoteAsync(JobContext context, string model, string version, CancellationToken cancellationToken)
    {
        var manifest = await manifests.ReadAsync(model, version, cancellationToken).ConfigureAwait(false);
        if (manifest?.Promotion?.OnValidated is not { } onValidated)
        {
            return "";
        }

        var result = await promoter.ApplyAsync(model, version, onValidated, PromotionTriggers.OnValidated, context.Message.Id, requireValidated: true, context.Log,
            cancellationToken).ConfigureAwait(false);
        if (!result.Applied)
        {
            // The verdict stands (it is the version's); the job fails so that the refused promotion is seen on it.
            throw new JobFailedException($"{model} {version} is validated, but its promotion failed: {result.Reason}");
        }

        var soakJob = manifest.Promotion.AfterSoak is { } afterSoak
            ? await soak.StartAsync(model, version, afterSoak, context.Log, cancellationToken).ConfigureAwait(false)
            : null;
        return $"; promoted: {result.Describe()}" + (soakJob is null ? "" : $"; {soakJob} judges it after {manifest.Promotion.AfterSoak!.Window}");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Model} {Version} is {Status}: {Reason}")]
    private static partial void LogVerdict(ILogger log, string model, string version, string status, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Model} {Version} became {Now} while it was measured; its verdict ({Status}: {Reason}) is not recorded")]
    private static partial void LogVerdictNotRecorded(ILogger log, string model, string version, string now, string status, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "The metric history of {Model} {Version} already holds job {JobId}'s entry (an earlier run of this job); it is not added again")]
    private static partial void LogHistoryHadRun(ILogger log, string model, string version, string jobId);
}
