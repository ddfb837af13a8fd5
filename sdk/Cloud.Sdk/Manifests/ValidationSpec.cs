using System.Collections.ObjectModel;

namespace Cloud.Sdk.Manifests;

/// <summary>
/// How a new version is validated before it may take traffic (manifest field <c>validation</c>): metrics computed
/// on a dataset in the model folder, each held to an optional threshold and to the version under a baseline label.
/// </summary>
public sealed record ValidationSpec
{
    /// <summary>
    /// The dataset, as a relative path inside the model folder (<c>dataset</c>): a CSV file with a header row
    /// (<c>.csv</c>) or JSON Lines, one object per row (<c>.jsonl</c>, <c>.ndjson</c>).
    /// </summary>
    public required string Dataset { get; init; }

    /// <summary>The dataset column holding the true label or target (<c>labelColumn</c>).</summary>
    public required string LabelColumn { get; init; }

    /// <summary>The metrics to compute, in manifest order; names from <see cref="MetricDefinition.All"/> for the model's task (<c>metrics</c>).</summary>
    public required IReadOnlyList<string> Metrics { get; init; }

    /// <summary>
    /// Worst acceptable value per metric (<c>thresholds</c>): a minimum for metrics where higher is better, a maximum
    /// for error metrics. Only metrics listed in <see cref="Metrics"/> appear.
    /// </summary>
    public IReadOnlyDictionary<string, double> Thresholds { get; init; } = ReadOnlyDictionary<string, double>.Empty;

    /// <summary>The label whose version the candidate is compared with, when set (<c>baselineLabel</c>).</summary>
    public string? BaselineLabel { get; init; }

    /// <summary>
    /// How much worse than the baseline the candidate may be, per metric, in the metric's own units
    /// (<c>baselineTolerance</c>). A metric in neither this nor <see cref="BaselineRelativeTolerance"/> gets 0: it
    /// must be no worse than the baseline.
    /// </summary>
    public IReadOnlyDictionary<string, double> BaselineTolerance { get; init; } = ReadOnlyDictionary<string, double>.Empty;

    /// <summary>
    /// How much worse than the baseline the candidate may be, per metric, as a fraction of the baseline's magnitude
    /// (<c>baselineRelativeTolerance</c>; 0.05 allows 5 % of |baseline|). A metric with both tolerances must pass
    /// both, as TFX's change thresholds with an absolute and a relative bound do.
    /// </summary>
    public IReadOnlyDictionary<string, double> BaselineRelativeTolerance { get; init; } = ReadOnlyDictionary<string, double>.Empty;
}
