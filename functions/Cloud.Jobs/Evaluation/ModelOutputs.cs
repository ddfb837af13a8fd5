using Cloud.Registry.Onnx;
using Microsoft.ML.OnnxRuntime;

namespace Cloud.Jobs.Evaluation;

/// <summary>
/// The outputs validation reads, chosen once from the model's signature, and asked of ORT by name so it computes
/// nothing else. A classifier: class scores, the first float32 output of shape [batch, classes] in classNames order
/// (a softmax, or ONNX-ML's probabilities converted without ZipMap), or for two classes [batch] / [batch, 1] holding
/// the second class's probability; and/or a class index, the first int64 output of shape [batch] (ONNX-ML's label),
/// which then decides the predicted class. A regressor: the first float32 output of shape [batch] or [batch, 1].
/// </summary>
internal sealed record ModelOutputs(string[] Names, int ScoreIndex, int ScoreWidth, int LabelIndex)
{
    /// <summary>What was chosen, in words, for the outcome.</summary>
    public required string Description { get; init; }

    public bool HasScores => ScoreIndex >= 0;

    /// <exception cref="EvaluationException">The model has neither class scores nor class indices.</exception>
    public static ModelOutputs ForClassifier(IReadOnlyList<ModelNode> outputs, int classes, string model, bool scoresNeeded)
    {
        var scores = outputs.FirstOrDefault(o => IsFloat(o) && o.Dimensions is [_, var width] && width == classes)
            ?? outputs.FirstOrDefault(o => IsFloat(o) && o.Dimensions is [_, -1]);
        var width = classes;
        if (scores is null && classes == 2 && outputs.FirstOrDefault(IsColumn) is { } positive)
        {
            (scores, width) = (positive, 1);
        }

        var labels = outputs.FirstOrDefault(o => o.IsTensor && o.ElementType == TensorElementType.Int64 && o.Dimensions is [_] or [_, 1]);
        if (scores is null && (labels is null || scoresNeeded))
        {
            var zipMap = outputs.FirstOrDefault(o => o.ValueType == OnnxValueType.ONNX_TYPE_SEQUENCE) is { } sequence
                ? $" Output '{sequence.Name}' is a sequence (ONNX-ML's ZipMap): convert the model without it (skl2onnx: options={{'zipmap': False}})."
                : "";
            var what = labels is null ? "a float32 output of shape [batch," + classes + "] (class scores in classNames order) or an int64 output of shape [batch] (class indices)"
                : "a float32 output of shape [batch," + classes + "] (class scores in classNames order) for logloss and auc";
            throw new EvaluationException($"{model}: validating a classifier needs {what}; its outputs are {string.Join(", ", outputs)}.{zipMap}");
        }

        var names = new List<string>();
        var scoreIndex = scores is null ? -1 : Add(names, scores.Name);
        var labelIndex = labels is null ? -1 : Add(names, labels.Name);
        var description = (scores, labels) switch
        {
            ({ } s, { } l) => $"class scores from '{s.Name}', predicted class from '{l.Name}'",
            ({ } s, null) when width == 1 => $"the second class's probability from '{s.Name}', predicted class where it is at least 0.5",
            ({ } s, null) => $"class scores from '{s.Name}', predicted class by the highest score",
            _ => $"predicted class from '{labels!.Name}' (no class scores: logloss and auc cannot be computed)",
        };
        return new ModelOutputs([.. names], scoreIndex, width, labelIndex) { Description = description };
    }

    /// <exception cref="EvaluationException">The model has no [batch] or [batch, 1] float32 output.</exception>
    public static ModelOutputs ForRegressor(IReadOnlyList<ModelNode> outputs, string model)
    {
        var prediction = outputs.FirstOrDefault(IsColumn)
            ?? throw new EvaluationException($"{model}: validating a regressor needs a float32 output of shape [batch] or [batch,1]; its outputs are {string.Join(", ", outputs)}.");
        return new ModelOutputs([prediction.Name], 0, 1, -1) { Description = $"predictions from '{prediction.Name}'" };
    }

    private static bool IsFloat(ModelNode output) => output.IsTensor && output.ElementType == TensorElementType.Float;

    private static bool IsColumn(ModelNode output) => IsFloat(output) && output.Dimensions is [_] or [_, 1];

    private static int Add(List<string> names, string name)
    {
        names.Add(name);
        return names.Count - 1;
    }
}
