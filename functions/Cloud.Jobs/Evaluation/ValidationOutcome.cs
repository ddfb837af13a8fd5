using System.Globalization;
using Cloud.Sdk.Registry;

namespace Cloud.Jobs.Evaluation;

/// <summary>
/// What validating a version concluded: <see cref="ModelVersionStatus.Validated"/> or
/// <see cref="ModelVersionStatus.Rejected"/>, every metric of the candidate (and of the baseline, computed on the same
/// rows in the same pass), and each missed threshold with its reason.
/// </summary>
/// <param name="Status">Validated when no threshold was missed, else Rejected.</param>
/// <param name="Dataset">The dataset, as the model store names it.</param>
/// <param name="Rows">The dataset's rows, each run through every model.</param>
/// <param name="Candidate">The version validated.</param>
/// <param name="Baseline">The version compared with, when there was one.</param>
/// <param name="BaselineLabel">The label the baseline was looked up by (manifest's baselineLabel), if any.</param>
/// <param name="Failures">The thresholds missed, in the order of the manifest's metrics; empty when validated.</param>
internal sealed record ValidationOutcome(
    ModelVersionStatus Status,
    string Dataset,
    long Rows,
    ModelEvaluation Candidate,
    ModelEvaluation? Baseline,
    string? BaselineLabel,
    IReadOnlyList<ThresholdFailure> Failures)
{
    /// <summary>One sentence: why it was rejected, or what it passed.</summary>
    public string Reason => Failures.Count > 0
        ? string.Create(CultureInfo.InvariantCulture, $"Rejected on {Rows:N0} rows of '{Dataset}': {string.Join("; ", Failures.Select(f => f.Reason))}.")
        : string.Create(CultureInfo.InvariantCulture, $"Validated on {Rows:N0} rows of '{Dataset}': {Against}.");

    /// <summary>The candidate's metrics as the version's metric history records them.</summary>
    public MetricsRecord ToMetricsRecord(DateTimeOffset at, string? jobId) => new(at, Dataset, Candidate.Metrics, jobId);

    private string Against => (Baseline, BaselineLabel) switch
    {
        ({ } baseline, { } label) => $"every threshold met, and no worse than {baseline.Version} (under '{label}') beyond its tolerances",
        ({ } baseline, null) => $"every threshold met, and no worse than {baseline.Version} beyond its tolerances",
        (null, { } label) => $"every threshold met (no version is under '{label}' yet, so there was no baseline to compare with)",
        _ => "every threshold met",
    };
}

/// <summary>One model's side of a validation.</summary>
/// <param name="Model">The model name.</param>
/// <param name="Version">The version.</param>
/// <param name="Outputs">Which outputs were read, in words.</param>
/// <param name="Metrics">Every metric computed, by manifest name.</param>
/// <param name="Classes">A classifier's confusion matrix and per-class scores.</param>
/// <param name="Notes">Why a metric is missing, when one is.</param>
internal sealed record ModelEvaluation(
    string Model,
    string Version,
    string Outputs,
    IReadOnlyDictionary<string, double> Metrics,
    ClassificationDetails? Classes,
    IReadOnlyList<string> Notes);
