using Cloud.Registry.Datasets;
using Microsoft.ML.OnnxRuntime;

namespace Cloud.Jobs.Evaluation;

/// <summary>
/// Predicts a classifier's validation rows and measures accuracy. Features are taken from the dataset by the
/// manifest's feature names (so column order in the CSV does not matter); the predicted class is the model's
/// int64 label output when it has one, else the arg-max of its first float output.
/// </summary>
internal static class ClassifierEvaluator
{
    public static ClassificationReport Evaluate(ModelFolder folder, InferenceSession session)
    {
        var spec = folder.Manifest;
        var validation = spec.Validation ?? throw new EvaluationException($"{folder.Directory}/model.json has no \"validation\" section.");
        var classes = spec.ClassNames is { Count: > 0 } names ? names.ToArray()
            : throw new EvaluationException($"{folder.Directory}/model.json has no \"classNames\"; accuracy needs them.");
        var datasetPath = Path.Combine(folder.Directory, validation.Dataset);
        var input = session.InputNames.Count == 1 ? session.InputNames[0]
            : throw new EvaluationException($"Evaluation supports single-input models; this one has {session.InputNames.Count}.");
        var featureNames = spec.Inputs.GetValueOrDefault(input)?.FeatureNames
            ?? throw new EvaluationException($"model.json names no featureNames for input '{input}'.");
        CsvTable table;
        float[] features;
        int labelColumn;
        try
        {
            table = CsvTable.Read(datasetPath);
            features = table.Features(featureNames);
            labelColumn = table.Column(validation.LabelColumn);
        }
        catch (DatasetException error)
        {
            throw new EvaluationException(error.Message);
        }

        var rows = table.Rows.Count;
        using var inputValue = OrtValue.CreateTensorValueFromMemory(features, [rows, featureNames.Count]);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, [input], [inputValue], session.OutputNames);
        var predicted = PredictedClasses(outputs, rows, classes.Length);

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

        return new ClassificationReport(spec.Name, spec.Version.ToString(), classes, rows, correct, confusion,
            validation.Thresholds.GetValueOrDefault("accuracy") is > 0 and var t ? t : null);
    }

    private static int[] PredictedClasses(IReadOnlyList<OrtValue> outputs, int rows, int classCount)
    {
        foreach (var value in outputs)
        {
            var info = value.GetTensorTypeAndShape();
            if (info.ElementDataType == TensorElementType.Int64 && info.Shape.Length == 1)
            {
                return value.GetTensorDataAsSpan<long>().ToArray().Select(l => (int)l).ToArray();
            }
        }

        foreach (var value in outputs)
        {
            var info = value.GetTensorTypeAndShape();
            if (info.ElementDataType == TensorElementType.Float && info.Shape is [_, var width] && width == classCount)
            {
                var all = value.GetTensorDataAsSpan<float>();
                var predicted = new int[rows];
                for (var r = 0; r < rows; r++)
                {
                    var row = all.Slice(r * classCount, classCount);
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
