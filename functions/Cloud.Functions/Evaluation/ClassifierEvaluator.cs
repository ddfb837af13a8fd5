using System.Globalization;
using Cloud.Functions.Serving.Models;
using Cloud.Functions.Serving.Tensors;
using Microsoft.ML.OnnxRuntime;

namespace Cloud.Functions.Evaluation;

/// <summary>
/// Predicts a classifier's validation rows and measures accuracy. Features are taken from the dataset by the
/// manifest's feature names (so column order in the CSV does not matter); the predicted class is the model's
/// int64 label output when it has one, else the arg-max of its first float output.
/// </summary>
internal static class ClassifierEvaluator
{
    public static ClassificationReport Evaluate(ModelFolder folder, InferenceSession session)
    {
        var spec = folder.Spec;
        var validation = spec.Validation ?? throw new EvaluationException($"{folder.Directory}/model.json has no \"validation\" section.");
        var classes = spec.ClassNames is { Length: > 0 } names ? names
            : throw new EvaluationException($"{folder.Directory}/model.json has no \"classNames\"; accuracy needs them.");
        var datasetPath = Path.Combine(folder.Directory, validation.Dataset ?? throw new EvaluationException("validation.dataset is missing."));
        var table = CsvTable.Read(datasetPath);

        var runner = new SessionRunner(session);
        var input = runner.Inputs.Count == 1 ? runner.Inputs[0]
            : throw new EvaluationException($"Evaluation supports single-input models; this one has {runner.Inputs.Count}.");
        var featureNames = spec.Inputs?.GetValueOrDefault(input.Name)?.FeatureNames
            ?? throw new EvaluationException($"model.json names no featureNames for input '{input.Name}'.");
        var featureColumns = featureNames.Select(f => table.Column(f, datasetPath)).ToArray();
        var labelColumn = table.Column(validation.LabelColumn ?? throw new EvaluationException("validation.labelColumn is missing."), datasetPath);

        var rows = table.Rows.Length;
        var features = new float[rows * featureColumns.Length];
        for (var r = 0; r < rows; r++)
        {
            for (var f = 0; f < featureColumns.Length; f++)
            {
                var cell = table.Rows[r][featureColumns[f]];
                if (!float.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out features[(r * featureColumns.Length) + f]))
                {
                    throw new EvaluationException($"Dataset '{datasetPath}' row {r + 1}, column '{featureNames[f]}': '{cell}' is not a number.");
                }
            }
        }

        var result = runner.Run([new NamedTensor(input.Name, Tensor.Create(features, rows, featureColumns.Length))]);
        var predicted = PredictedClasses(result, rows, classes.Length);

        var confusion = new int[classes.Length, classes.Length];
        var correct = 0;
        for (var r = 0; r < rows; r++)
        {
            var actual = Array.IndexOf(classes, table.Rows[r][labelColumn].Trim());
            if (actual < 0)
            {
                throw new EvaluationException($"Dataset '{datasetPath}' row {r + 1}: label '{table.Rows[r][labelColumn]}' is not one of {string.Join(", ", classes)}.");
            }

            confusion[actual, predicted[r]]++;
            correct += actual == predicted[r] ? 1 : 0;
        }

        return new ClassificationReport(spec.Name ?? Path.GetFileName(folder.Directory), spec.Version ?? "?", classes, rows, correct, confusion,
            validation.Thresholds?.GetValueOrDefault("accuracy") is > 0 and var t ? t : null);
    }

    private static int[] PredictedClasses(NamedTensor[] result, int rows, int classCount)
    {
        foreach (var (_, value) in result)
        {
            if (value is DenseTensor<long> labels && labels.Shape.Count == 1)
            {
                return labels.ToArray().Select(l => (int)l).ToArray();
            }
        }

        foreach (var (_, value) in result)
        {
            if (value is DenseTensor<float> scores && scores.Shape.Count == 2 && scores.Shape[1] == classCount)
            {
                var all = scores.ToArray();
                var predicted = new int[rows];
                for (var r = 0; r < rows; r++)
                {
                    var row = all.AsSpan(r * classCount, classCount);
                    for (var c = 1; c < classCount; c++)
                    {
                        predicted[r] = row[c] > row[predicted[r]] ? c : predicted[r];
                    }
                }

                return predicted;
            }
        }

        throw new EvaluationException($"The model has neither an int64 label output nor a float [batch,{classCount}] score output.");
    }
}
