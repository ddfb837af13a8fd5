using Cloud.Jobs.Runner;
using Cloud.Sdk.Registry;

namespace Cloud.Jobs.Validation;

/// <summary>
/// The validation entry point the validate job calls: measures a registered version on its validation data and judges
/// it. The job marks the version validated or rejected from the answer; the validator changes nothing in the registry.
/// </summary>
internal interface IVersionValidator
{
    /// <summary>
    /// Measures <paramref name="version"/> and judges it. Throws <see cref="JobFailedException"/> when the version cannot
    /// be measured whatever the retry (no validation section, a missing dataset or column, a model that cannot run the
    /// data); anything else is taken as a failure a retry may fix. Writes what it does to <see cref="JobContext.Log"/>
    /// and may keep files in <see cref="JobContext.WorkDirectory"/>.
    /// </summary>
    Task<VersionValidation> ValidateAsync(ModelVersionInfo version, JobContext context, CancellationToken cancellationToken);
}
