namespace Cloud.Sdk.Registry;

/// <summary>A registered model version as the registry records it.</summary>
/// <param name="Model">The model name.</param>
/// <param name="Version">The semantic version.</param>
/// <param name="Status">Its status.</param>
/// <param name="Sha256">Lower-case hex SHA-256 of the model file (null when it failed before hashing).</param>
/// <param name="Size">The model file's size in bytes.</param>
/// <param name="ModelFile">The model file's name inside the folder.</param>
/// <param name="Signature">Inputs, outputs, opsets (null when it failed before loading).</param>
/// <param name="Metrics">Validation results, oldest first.</param>
/// <param name="Lineage">The manifest's lineage section as JSON (trainer, dataset, hyper-parameters, source revision).</param>
/// <param name="FailureReason">Why it failed, was rejected or retired.</param>
/// <param name="Refusals">Later uploads refused under this version, each with its reason (most recent last).</param>
/// <param name="CreatedAt">When the registry first recorded it.</param>
/// <param name="UpdatedAt">When the registry last changed it.</param>
public sealed record ModelVersionInfo(
    string Model,
    string Version,
    ModelVersionStatus Status,
    string? Sha256,
    long? Size,
    string? ModelFile,
    ModelSignature? Signature,
    IReadOnlyList<MetricsRecord> Metrics,
    string? Lineage,
    string? FailureReason,
    IReadOnlyList<string> Refusals,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>One evaluation of a version.</summary>
/// <param name="At">When it was measured.</param>
/// <param name="Dataset">Which dataset.</param>
/// <param name="Values">Metric name → value.</param>
/// <param name="JobId">The job that measured it.</param>
public sealed record MetricsRecord(DateTimeOffset At, string Dataset, IReadOnlyDictionary<string, double> Values, string? JobId);
