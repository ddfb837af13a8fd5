namespace Cloud.Jobs.Validation;

/// <summary>A validator's verdict on a version.</summary>
/// <param name="Passed">Whether the version met its thresholds (it becomes validated; rejected otherwise).</param>
/// <param name="Reason">Why, in a sentence naming the metrics and thresholds that decided.</param>
/// <param name="Dataset">What it was measured on.</param>
/// <param name="Metrics">Metric name → value.</param>
internal sealed record VersionValidation(bool Passed, string Reason, string Dataset, IReadOnlyDictionary<string, double> Metrics);
