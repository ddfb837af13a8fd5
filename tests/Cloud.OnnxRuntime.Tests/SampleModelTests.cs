using System.Globalization;
using System.Text.Json;

namespace Cloud.OnnxRuntime.Tests;

/// <summary>
/// The sample models against values computed independently: the iris trainer's numpy probabilities
/// (samples/models/iris/expected.csv) and the CNN's numpy reference outputs.
/// </summary>
public sealed class SampleModelTests
{
    // expected.csv holds numpy's float32 forward pass; ORT may fuse or reorder float ops, so allow a small
    // absolute error (probabilities go down to 1e-14, so a purely relative bound would be meaningless there).
    private const double ProbabilityTolerance = 1e-5;

    [Fact]
    public void IrisSignatureIsFeaturesInProbabilitiesAndLabelOut()
    {
        using var session = InferenceSession.Open(Samples.Iris("model.onnx"));

        var input = Assert.Single(session.Inputs);
        Assert.Equal("features", input.Name);
        Assert.Equal(TensorElementType.Float, input.ElementType);
        Assert.Equal([-1L, 4L], input.Dimensions);
        Assert.Equal(["batch", ""], input.SymbolicDimensions);
        Assert.Equal("features: float32[batch,4]", input.ToString());

        Assert.Equal(["probabilities", "label"], session.Outputs.Select(o => o.Name));
        Assert.Equal(TensorElementType.Float, session.Outputs[0].ElementType);
        Assert.Equal(TensorElementType.Int64, session.Outputs[1].ElementType);

        Assert.Equal("cloud-samples-logreg", session.Metadata.ProducerName);
        Assert.Equal("iris_logreg", session.Metadata.GraphName);
        Assert.Equal("setosa,versicolor,virginica", session.Metadata.CustomMetadata["classes"]);
    }

    [Fact]
    public void IrisProbabilitiesMatchTheTrainersNumpyValues()
    {
        var (features, _) = ReadValidation();
        var expected = ReadExpected();
        using var session = InferenceSession.Open(Samples.Iris("model.onnx"));

        var result = session.Run("features", Tensor.Create(features, expected.Count, 4));

        var probabilities = result.Get<float>("probabilities");
        Assert.Equal([(long)expected.Count, 3L], probabilities.Shape);
        var labels = result.Get<long>("label").ToArray();
        for (var row = 0; row < expected.Count; row++)
        {
            for (var c = 0; c < 3; c++)
            {
                var actual = probabilities.Span[(row * 3) + c];
                Assert.True(Math.Abs(actual - expected[row].Probabilities[c]) <= ProbabilityTolerance,
                    $"row {row} class {c}: ORT {actual}, numpy {expected[row].Probabilities[c]}");
            }

            Assert.Equal(expected[row].Label, labels[row]);
        }
    }

    [Fact]
    public void IrisClassifiesTheValidationRowsAtTheTrainersAccuracy()
    {
        var (features, species) = ReadValidation();
        var classes = new[] { "setosa", "versicolor", "virginica" };
        using var session = InferenceSession.Open(Samples.Iris("model.onnx"));

        var labels = session.Run("features", Tensor.Create(features, species.Length, 4)).Get<long>("label").ToArray();

        var correct = labels.Where((label, i) => classes[label] == species[i]).Count();
        // The trainer printed validation accuracy 1.0 (30/30) for the committed model.
        Assert.Equal(species.Length, correct);
    }

    [Fact]
    public void CnnLogitsMatchNumpyReference()
    {
        using var reference = JsonDocument.Parse(File.ReadAllText(Samples.Bench("cnn", "reference.json")));
        var root = reference.RootElement;
        var image = root.GetProperty("inputs").GetProperty("image");
        var logits = root.GetProperty("outputs").GetProperty("logits");
        var relative = root.GetProperty("tolerance").GetProperty("relative").GetDouble();
        var absolute = root.GetProperty("tolerance").GetProperty("absolute").GetDouble();
        using var session = InferenceSession.Open(Samples.Bench("cnn", "model.onnx"));

        var result = session.Run("image", Tensor.Create(Floats(image.GetProperty("data")), Longs(image.GetProperty("shape"))));

        var actual = result.Get<float>("logits");
        Assert.Equal(Longs(logits.GetProperty("shape")), actual.Shape);
        var expected = Floats(logits.GetProperty("data"));
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(actual.Span[i] - expected[i]) <= absolute + (relative * Math.Abs(expected[i])),
                $"logit {i}: ORT {actual.Span[i]}, numpy {expected[i]}");
        }
    }

    private static (float[] Features, string[] Species) ReadValidation()
    {
        var rows = File.ReadAllLines(Samples.Iris("validation.csv")).Skip(1).Where(l => l.Length > 0).ToArray();
        var features = new float[rows.Length * 4];
        var species = new string[rows.Length];
        for (var r = 0; r < rows.Length; r++)
        {
            var cells = rows[r].Split(',');
            for (var c = 0; c < 4; c++)
            {
                features[(r * 4) + c] = float.Parse(cells[c], CultureInfo.InvariantCulture);
            }

            species[r] = cells[4];
        }

        return (features, species);
    }

    private static List<(double[] Probabilities, long Label)> ReadExpected() =>
        File.ReadAllLines(Samples.Iris("expected.csv")).Skip(1).Where(l => l.Length > 0)
            .Select(l => l.Split(','))
            .Select(c => (c.Take(3).Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray(), long.Parse(c[3], CultureInfo.InvariantCulture)))
            .ToList();

    private static float[] Floats(JsonElement array) => array.EnumerateArray().Select(e => e.GetSingle()).ToArray();

    private static long[] Longs(JsonElement array) => array.EnumerateArray().Select(e => e.GetInt64()).ToArray();
}
