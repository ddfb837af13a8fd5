namespace Cloud.Jobs.Validation;

/// <summary>A validator's verdict on a version.</summary>
/// <param name="Passed">Whether the version met its thresholds (it becomes validated; rejected otherwise).</param>
/// <param name="Reason">Why, in a sentence naming the metrics and thresholds that decided.</param>
/// <param name="Dataset">What it was measured on.</param>
/// <param name="Metrics">Metric name → value.</param>
/// <param name="Rows">Rows measured.</param>
/// <param name="BaselineVersion">The version compared with on the same rows, if any.</param>
/// <param name="BaselineMetrics">The baseline's metrics, when there was one.</param>
internal sealed record VersionValidation(bool Passed, string Reason, string Dataset, IReadOnlyDictionary<string, double> Metrics,
    long Rows = 0, string? BaselineVersion = null, IReadOnlyDictionary<string, double>? BaselineMetrics = null);
