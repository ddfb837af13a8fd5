namespace Cloud.Jobs.Evaluation;

/// <summary>
/// What one model scored on the dataset: every metric computed, by its manifest name in the metric table's order
/// (a metric absent here could not be computed; <see cref="Notes"/> says why), and a classifier's per-class view.
/// </summary>
internal sealed record ModelMetrics(IReadOnlyDictionary<string, double> Values, ClassificationDetails? Classes, IReadOnlyList<string> Notes);

/// <summary>A classifier's confusion matrix and per-class scores.</summary>
/// <param name="ClassNames">The classes, in the model's order.</param>
/// <param name="Confusion">Rows by actual class, columns by predicted class: Confusion[actual][predicted] rows.</param>
/// <param name="PerClass">Each class's scores, in the same order.</param>
internal sealed record ClassificationDetails(IReadOnlyList<string> ClassNames, long[][] Confusion, IReadOnlyList<ClassScores> PerClass);

/// <summary>One class's scores: one-vs-rest precision, recall, F1 and (when computed) ROC AUC.</summary>
/// <param name="Class">The class name.</param>
/// <param name="Support">Rows whose label is this class.</param>
/// <param name="Predicted">Rows predicted as this class.</param>
/// <param name="Precision">Of the rows predicted as this class, the fraction that are (0 when none was predicted).</param>
/// <param name="Recall">Of the rows of this class, the fraction predicted as it (0 when the class has no rows).</param>
/// <param name="F1">The harmonic mean of precision and recall (0 when both are 0).</param>
/// <param name="Auc">One-vs-rest ROC AUC of this class's score; null when not computed or when the rows are all or none of this class.</param>
internal sealed record ClassScores(string Class, long Support, long Predicted, double Precision, double Recall, double F1, double? Auc);
