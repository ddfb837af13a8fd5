namespace Cloud.Sdk.Manifests;

/// <summary>
/// A validation metric the manifest may name: its task, which way it improves, and the range its values live in.
/// The one table that the reader, the validator and docs/model-folder.md follow.
/// </summary>
public sealed record MetricDefinition
{
    private MetricDefinition(string name, ModelTask task, MetricDirection direction, double minimum, double maximum, string meaning)
    {
        Name = name;
        Task = task;
        Direction = direction;
        Minimum = minimum;
        Maximum = maximum;
        Meaning = meaning;
    }

    /// <summary>Fraction of rows whose predicted class is the label.</summary>
    public static MetricDefinition Accuracy { get; } = new("accuracy", ModelTask.Classification, MetricDirection.HigherIsBetter, 0, 1, "fraction of rows whose predicted class is the label");

    /// <summary>Macro-averaged F1: the unweighted mean over classes of each class's F1 score.</summary>
    public static MetricDefinition F1 { get; } = new("f1", ModelTask.Classification, MetricDirection.HigherIsBetter, 0, 1, "macro-averaged F1 (unweighted mean of the per-class F1 scores)");

    /// <summary>Macro-averaged precision.</summary>
    public static MetricDefinition Precision { get; } = new("precision", ModelTask.Classification, MetricDirection.HigherIsBetter, 0, 1, "macro-averaged precision");

    /// <summary>Macro-averaged recall.</summary>
    public static MetricDefinition Recall { get; } = new("recall", ModelTask.Classification, MetricDirection.HigherIsBetter, 0, 1, "macro-averaged recall");

    /// <summary>Mean negative natural log of the probability given to the true class.</summary>
    public static MetricDefinition LogLoss { get; } = new("logloss", ModelTask.Classification, MetricDirection.LowerIsBetter, 0, double.PositiveInfinity, "mean negative natural log of the probability given to the true class");

    /// <summary>
    /// Area under the ROC curve: for two classes, of the second class's score; for more, the unweighted mean of each
    /// class's one-vs-rest AUC. Rank-based, so any monotone score works (probabilities or logits).
    /// </summary>
    public static MetricDefinition Auc { get; } = new("auc", ModelTask.Classification, MetricDirection.HigherIsBetter, 0, 1, "area under the ROC curve (binary: of the second class; more classes: macro one-vs-rest)");

    /// <summary>Mean squared error.</summary>
    public static MetricDefinition Mse { get; } = new("mse", ModelTask.Regression, MetricDirection.LowerIsBetter, 0, double.PositiveInfinity, "mean squared error, in the target's units squared");

    /// <summary>Root mean squared error.</summary>
    public static MetricDefinition Rmse { get; } = new("rmse", ModelTask.Regression, MetricDirection.LowerIsBetter, 0, double.PositiveInfinity, "root mean squared error, in the target's units");

    /// <summary>Mean absolute error.</summary>
    public static MetricDefinition Mae { get; } = new("mae", ModelTask.Regression, MetricDirection.LowerIsBetter, 0, double.PositiveInfinity, "mean absolute error, in the target's units");

    /// <summary>Coefficient of determination: 1 is perfect, 0 is no better than predicting the mean, below 0 is worse.</summary>
    public static MetricDefinition R2 { get; } = new("r2", ModelTask.Regression, MetricDirection.HigherIsBetter, double.NegativeInfinity, 1, "coefficient of determination (1 is perfect, 0 is predicting the mean)");

    /// <summary>Every metric, classification first.</summary>
    public static IReadOnlyList<MetricDefinition> All { get; } = [Accuracy, F1, Precision, Recall, LogLoss, Auc, Mse, Rmse, Mae, R2];

    /// <summary>The name used in manifests (<c>validation.metrics</c>, <c>thresholds</c> keys).</summary>
    public string Name { get; }

    /// <summary>The task the metric applies to.</summary>
    public ModelTask Task { get; }

    /// <summary>Which way the metric improves.</summary>
    public MetricDirection Direction { get; }

    /// <summary>The lowest value the metric can take (may be negative infinity).</summary>
    public double Minimum { get; }

    /// <summary>The highest value the metric can take (may be positive infinity).</summary>
    public double Maximum { get; }

    /// <summary>What the metric measures, in a few words.</summary>
    public string Meaning { get; }

    /// <summary>The metric with this exact name, or null.</summary>
    /// <param name="name">A metric name such as "accuracy".</param>
    /// <returns>The definition, or null when no metric has that name.</returns>
    public static MetricDefinition? Find(string? name) => All.FirstOrDefault(metric => metric.Name == name);

    /// <summary>The metrics for a task, in table order.</summary>
    /// <param name="task">The model's task.</param>
    /// <returns>The metrics; empty for <see cref="ModelTask.Other"/>.</returns>
    public static IReadOnlyList<MetricDefinition> For(ModelTask task) => [.. All.Where(metric => metric.Task == task)];

    /// <summary>Whether a value meets a threshold: at least it when higher is better, at most it otherwise.</summary>
    /// <param name="value">The measured value.</param>
    /// <param name="threshold">The manifest's threshold for this metric.</param>
    /// <returns>True when the value is acceptable.</returns>
    public bool Meets(double value, double threshold) =>
        Direction == MetricDirection.HigherIsBetter ? value >= threshold : value <= threshold;

    /// <summary>
    /// Whether a candidate is no worse than a baseline by more than <paramref name="tolerance"/> (in the metric's
    /// units): candidate ≥ baseline − tolerance when higher is better, candidate ≤ baseline + tolerance otherwise.
    /// </summary>
    /// <param name="candidate">The new version's value.</param>
    /// <param name="baseline">The value of the version under the baseline label, on the same dataset.</param>
    /// <param name="tolerance">The allowed loss, 0 or more.</param>
    /// <returns>True when the candidate is acceptable.</returns>
    public bool IsNoWorseThan(double candidate, double baseline, double tolerance) =>
        Direction == MetricDirection.HigherIsBetter ? candidate >= baseline - tolerance : candidate <= baseline + tolerance;

    /// <summary>
    /// Whether a candidate is no worse than a baseline by more than a fraction of the baseline's magnitude:
    /// <see cref="IsNoWorseThan"/> with a tolerance of <paramref name="relativeTolerance"/> × |baseline|.
    /// </summary>
    /// <param name="candidate">The new version's value.</param>
    /// <param name="baseline">The value of the version under the baseline label, on the same dataset.</param>
    /// <param name="relativeTolerance">The allowed loss as a fraction of |baseline| (0.05 for 5 %), 0 or more.</param>
    /// <returns>True when the candidate is acceptable.</returns>
    public bool IsNoWorseThanRelative(double candidate, double baseline, double relativeTolerance) =>
        IsNoWorseThan(candidate, baseline, relativeTolerance * Math.Abs(baseline));

    /// <inheritdoc/>
    public override string ToString() => Name;
}
