namespace Cloud.Registry.History;

/// <summary>
/// One validation of a version, as its metric history keeps it (a line of <c>versions/{model}/{version}/metrics.jsonl</c>
/// in the jobs container): the outcome, the reason, the dataset and both models' metrics.
/// </summary>
/// <param name="At">When the verdict was reached.</param>
/// <param name="JobId">The job that measured it: the key that keeps a redelivered job from adding a second entry.</param>
/// <param name="Outcome"><c>validated</c> or <c>rejected</c>.</param>
/// <param name="Reason">The validator's sentence (every missed threshold, or what was passed).</param>
/// <param name="Dataset">The dataset, as the model store names it.</param>
/// <param name="Rows">Rows measured.</param>
/// <param name="Metrics">The version's metrics, by manifest name.</param>
/// <param name="BaselineVersion">The version compared with on the same rows, if any.</param>
/// <param name="BaselineMetrics">The baseline's metrics, if there was one.</param>
internal sealed record MetricsHistoryEntry(
    DateTimeOffset At,
    string JobId,
    string Outcome,
    string Reason,
    string Dataset,
    long Rows,
    IReadOnlyDictionary<string, double> Metrics,
    string? BaselineVersion,
    IReadOnlyDictionary<string, double>? BaselineMetrics);
