using Cloud.Registry.Datasets;
using Cloud.Sdk.Manifests;

namespace Cloud.Jobs.Evaluation;

/// <summary>
/// Classification metrics in one pass: a confusion matrix (accuracy, per-class and macro precision, recall and F1),
/// the log-loss sum over the true class's probability, and, only when AUC is asked for, each row's scores and label:
/// AUC ranks all rows, so it is the one metric whose memory grows with the dataset (4 bytes per row per stored class
/// score, one score for two classes, plus 4 for the label).
/// </summary>
internal sealed class ClassificationAccumulator : IMetricAccumulator
{
    // float32 softmax outputs sum to 1 within ~1e-6; anything further off is not a probability distribution.
    private const double ProbabilityTolerance = 1e-3;

    // As scikit-learn did before 1.5 (and TFX's log loss does): a probability of 0 for the true class costs -ln(1e-15), not infinity.
    private const double SmallestProbability = 1e-15;

    private readonly string _model;
    private readonly ModelOutputs _outputs;
    private readonly IReadOnlyList<string> _classes;
    private readonly int[]? _labelMap;
    private readonly bool _logLossRequired;
    private readonly long[] _confusion;
    private readonly ChunkedList<float>? _aucScores;
    private readonly ChunkedList<int>? _aucLabels;
    private readonly int _aucWidth;
    private readonly List<string> _notes = [];
    private double _logLoss;
    private bool _probabilities;
    private long _rows;

    /// <param name="model">The model, for messages.</param>
    /// <param name="outputs">The outputs read.</param>
    /// <param name="classes">The model's class names.</param>
    /// <param name="labelMap">Batch class index → this model's class index, when the batch's class order (the candidate's) differs.</param>
    /// <param name="logLossRequired">Whether logloss is listed: then scores that are not probabilities fail the validation.</param>
    /// <param name="aucRequired">Whether auc is listed: then each row's scores are kept.</param>
    public ClassificationAccumulator(string model, ModelOutputs outputs, IReadOnlyList<string> classes, int[]? labelMap, bool logLossRequired, bool aucRequired)
    {
        _model = model;
        _outputs = outputs;
        _classes = classes;
        _labelMap = labelMap;
        _logLossRequired = logLossRequired;
        _confusion = new long[classes.Count * classes.Count];
        _probabilities = outputs.HasScores;
        if (aucRequired && outputs.HasScores)
        {
            // Two classes need only the second class's score: the first's AUC is the same curve.
            _aucWidth = classes.Count == 2 ? 1 : classes.Count;
            _aucScores = new ChunkedList<float>();
            _aucLabels = new ChunkedList<int>();
        }
    }

    public void Add(DatasetBatch batch, int start, int count, Predictions predictions)
    {
        var classes = _classes.Count;
        for (var i = 0; i < count; i++)
        {
            var actual = batch.Classes[start + i];
            actual = _labelMap is null ? actual : _labelMap[actual];
            var scores = predictions.Scores.IsEmpty ? default : predictions.Row(i);
            var predicted = predictions.Labels.IsEmpty ? Highest(scores) : CheckedClass(predictions.Labels[i], batch.FirstRow + start + i);
            _confusion[(actual * classes) + predicted]++;
            if (_probabilities)
            {
                AddLogLoss(scores, actual, batch.FirstRow + start + i);
            }

            if (_aucScores is not null)
            {
                KeepForAuc(scores, actual);
            }
        }

        _rows += count;
    }

    public ModelMetrics Finish()
    {
        var classes = _classes.Count;
        var perClass = new ClassScores[classes];
        var aucs = Aucs();
        double precisionSum = 0, recallSum = 0, f1Sum = 0;
        var present = 0;
        long correct = 0;
        for (var c = 0; c < classes; c++)
        {
            long support = 0, predicted = 0;
            for (var other = 0; other < classes; other++)
            {
                support += _confusion[(c * classes) + other];
                predicted += _confusion[(other * classes) + c];
            }

            var hits = _confusion[(c * classes) + c];
            correct += hits;
            var precision = predicted == 0 ? 0 : (double)hits / predicted;
            var recall = support == 0 ? 0 : (double)hits / support;
            var f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            perClass[c] = new ClassScores(_classes[c], support, predicted, precision, recall, f1, aucs?[c]);

            // Macro averages run over the classes that occur as a label or a prediction, as scikit-learn's do: a class
            // the dataset never mentions has no precision or recall to average.
            if (support > 0 || predicted > 0)
            {
                present++;
                precisionSum += precision;
                recallSum += recall;
                f1Sum += f1;
            }
        }

        var values = new OrderedDictionary<string, double>(StringComparer.Ordinal)
        {
            [MetricDefinition.Accuracy.Name] = (double)correct / _rows,
            [MetricDefinition.F1.Name] = f1Sum / present,
            [MetricDefinition.Precision.Name] = precisionSum / present,
            [MetricDefinition.Recall.Name] = recallSum / present,
        };
        if (_probabilities)
        {
            values[MetricDefinition.LogLoss.Name] = _logLoss / _rows;
        }

        if (aucs is not null && Auc(aucs) is { } auc)
        {
            values[MetricDefinition.Auc.Name] = auc;
        }

        var confusion = new long[classes][];
        for (var c = 0; c < classes; c++)
        {
            confusion[c] = _confusion.AsSpan(c * classes, classes).ToArray();
        }

        return new ModelMetrics(values, new ClassificationDetails(_classes, confusion, perClass), _notes);
    }

    private static int Highest(ReadOnlySpan<float> scores)
    {
        if (scores.Length == 1)
        {
            return scores[0] >= 0.5f ? 1 : 0;
        }

        var best = 0;
        for (var c = 1; c < scores.Length; c++)
        {
            best = scores[c] > scores[best] ? c : best;
        }

        return best;
    }

    private int CheckedClass(long label, long row) =>
        label >= 0 && label < _classes.Count ? (int)label
            : throw new EvaluationException($"{_model}: output '{_outputs.Names[_outputs.LabelIndex]}' gave class {label} for row {row} of the dataset; classNames has {_classes.Count} classes (0 to {_classes.Count - 1}).");

    private void AddLogLoss(ReadOnlySpan<float> scores, int actual, long row)
    {
        double truth;
        double sum;
        if (scores.Length == 1)
        {
            truth = actual == 1 ? scores[0] : 1 - scores[0];
            sum = 1;
        }
        else
        {
            truth = scores[actual];
            sum = 0;
            foreach (var score in scores)
            {
                sum += score;
            }
        }

        if (!IsProbabilityRow(scores, sum))
        {
            var problem = $"output '{_outputs.Names[_outputs.ScoreIndex]}' is not class probabilities: row {row} of the dataset has scores [{string.Join(", ", scores.ToArray())}], which are not each between 0 and 1 with a sum of 1";
            if (_logLossRequired)
            {
                throw new EvaluationException($"{_model}: logloss needs class probabilities, but {problem}. Use a model whose scores are a softmax, or drop logloss from validation.metrics.");
            }

            _notes.Add($"logloss was not computed: {problem}.");
            _probabilities = false;
            return;
        }

        _logLoss -= Math.Log(Math.Max(truth, SmallestProbability));
    }

    private static bool IsProbabilityRow(ReadOnlySpan<float> scores, double sum)
    {
        foreach (var score in scores)
        {
            if (!(score >= -ProbabilityTolerance && score <= 1 + ProbabilityTolerance))
            {
                return false;
            }
        }

        return Math.Abs(sum - 1) <= ProbabilityTolerance;
    }

    private void KeepForAuc(ReadOnlySpan<float> scores, int actual)
    {
        if (_aucWidth == 1)
        {
            _aucScores!.Add(scores[^1]);
        }
        else
        {
            foreach (var score in scores)
            {
                _aucScores!.Add(score);
            }
        }

        _aucLabels!.Add(actual);
    }

    /// <summary>Each class's one-vs-rest AUC (for two classes, the second class's, also given to the first); null when not kept.</summary>
    private double?[]? Aucs()
    {
        if (_aucScores is null)
        {
            return null;
        }

        var rows = (int)_aucLabels!.Count;
        var aucs = new double?[_classes.Count];
        var scores = new float[rows];
        var positive = new bool[rows];
        for (var c = _aucWidth == 1 ? 1 : 0; c < _classes.Count; c++)
        {
            var column = _aucWidth == 1 ? 0 : c;
            for (var r = 0; r < rows; r++)
            {
                scores[r] = _aucScores[((long)r * _aucWidth) + column];
                positive[r] = _aucLabels[r] == c;
            }

            aucs[c] = RocAuc.Of(scores, positive);
        }

        if (_aucWidth == 1)
        {
            aucs[0] = aucs[1]; // the first class's score is 1 − the second's: the same ranking, reversed, for the reversed labels
        }

        return aucs;
    }

    private double? Auc(double?[] aucs)
    {
        if (_classes.Count == 2)
        {
            return aucs[1] ?? NoAuc();
        }

        // Macro one-vs-rest over the classes that have both positive and negative rows; a class absent from the labels has no curve.
        var defined = aucs.Where(auc => auc.HasValue).Select(auc => auc!.Value).ToList();
        return defined.Count > 0 ? defined.Average() : NoAuc();
    }

    private double? NoAuc() => throw new EvaluationException(
        $"{_model}: auc is undefined on this dataset: every row's label is the same class, and ROC AUC needs rows of at least two classes.");
}
