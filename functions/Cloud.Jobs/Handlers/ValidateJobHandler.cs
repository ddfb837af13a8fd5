using Cloud.Jobs.Runner;
using Cloud.Jobs.Validation;
using Cloud.Registry;
using Cloud.Sdk.Jobs;
using Cloud.Sdk.Registry;

namespace Cloud.Jobs.Handlers;

/// <summary>
/// The validate job: asks the validator for a verdict on the job's version and records it on the version through the
/// registry (validated, or rejected with the reason). Running it twice records the same verdict twice, which is safe;
/// a version retired or failed meanwhile keeps its status.
/// </summary>
internal sealed partial class ValidateJobHandler(ModelRegistry registry, IVersionValidator validator) : IJobHandler
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

        var (model, version) = (context.Message.Model!, context.Message.Version!);

        var info = await registry.GetVersionAsync(model, version, cancellationToken).ConfigureAwait(false)
            ?? throw new JobFailedException($"Model '{model}' has no version '{version}'.");
        if (info.Status is ModelVersionStatus.Failed or ModelVersionStatus.Retired)
        {
            throw new JobFailedException($"{model} {version} is {info.Status.ToWireName()}; there is nothing to validate.");
        }

        var verdict = await validator.ValidateAsync(info, context, cancellationToken).ConfigureAwait(false);
        var statusName = (verdict.Passed ? ModelVersionStatus.Validated : ModelVersionStatus.Rejected).ToWireName();
        ModelVersionInfo? recorded;
        try
        {
            recorded = await registry.RecordVerdictAsync(model, version, verdict.Passed, verdict.Reason, cancellationToken).ConfigureAwait(false);
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
        return new JobResult($"{model} {version} {statusName}: {verdict.Reason}");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Model} {Version} is {Status}: {Reason}")]
    private static partial void LogVerdict(ILogger log, string model, string version, string status, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Model} {Version} became {Now} while it was measured; its verdict ({Status}: {Reason}) is not recorded")]
    private static partial void LogVerdictNotRecorded(ILogger log, string model, string version, string now, string status, string reason);
}
