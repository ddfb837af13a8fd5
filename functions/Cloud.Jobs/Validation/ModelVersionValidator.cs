using Cloud.Jobs.Evaluation;
using Cloud.Jobs.Runner;
using Cloud.Registry;
using Cloud.Sdk.Registry;

namespace Cloud.Jobs.Validation;

/// <summary>
/// The validate job's validator: <see cref="ModelValidator"/> on the version's validation data, against the version
/// its manifest's <c>baselineLabel</c> points at (when that is another version), so change thresholds are judged on
/// the same rows. A version that cannot be validated (no validation section, a missing dataset or column) fails the
/// job at once: a retry would find the same.
/// </summary>
internal sealed partial class ModelVersionValidator(ModelValidator validator, ModelRegistry registry) : IVersionValidator
{
    public async Task<VersionValidation> ValidateAsync(ModelVersionInfo version, JobContext context, CancellationToken cancellationToken)
    {
        ValidationOutcome outcome;
        try
        {
            var baseline = await BaselineAsync(version, cancellationToken).ConfigureAwait(false);
            LogValidating(context.Log, version.Model, version.Version, baseline?.Version ?? "none");
            outcome = await validator.ValidateAsync(new ValidationRequest(version, baseline), null, cancellationToken).ConfigureAwait(false);
            LogOutcome(context.Log, version.Model, version.Version, outcome.Reason);
        }
        catch (EvaluationException error)
        {
            throw new JobFailedException(error.Message, error);
        }

        return new VersionValidation(outcome.Status == ModelVersionStatus.Validated, outcome.Reason, outcome.Dataset, outcome.Candidate.Metrics,
            outcome.Rows, outcome.Baseline?.Version, outcome.Baseline?.Metrics);
    }

    /// <summary>The version under the manifest's baseline label, when there is one and it is not the candidate itself.</summary>
    private async Task<ModelVersionInfo?> BaselineAsync(ModelVersionInfo version, CancellationToken cancellationToken)
    {
        if ((await validator.ReadManifestAsync(version, cancellationToken).ConfigureAwait(false)).Validation?.BaselineLabel is not { } label)
        {
            return null;
        }

        var pointed = await registry.GetLabelAsync(version.Model, label, cancellationToken).ConfigureAwait(false);
        return pointed is null || pointed.Version == version.Version
            ? null
            : await registry.GetVersionAsync(version.Model, pointed.Version, cancellationToken).ConfigureAwait(false);
    }

    // The job's own log (its tail on the row, the whole as a blob), so a user reading the job sees what was judged.
    [LoggerMessage(Level = LogLevel.Information, Message = "Validating {Model} {Version} (baseline {Baseline})")]
    private static partial void LogValidating(ILogger log, string model, string version, string baseline);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Model} {Version}: {Reason}")]
    private static partial void LogOutcome(ILogger log, string model, string version, string reason);
}
