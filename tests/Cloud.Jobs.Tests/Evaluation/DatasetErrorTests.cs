using Cloud.Jobs.Evaluation;

namespace Cloud.Jobs.Tests.Evaluation;

/// <summary>Bad datasets fail validation with a message naming the file, and the row and column where there is one.</summary>
public sealed class DatasetErrorTests : IDisposable
{
    private readonly ValidationScratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Theory]
    [InlineData("p_a,p_b,p_c,species\n0.5,0.25,0.25,a\n", "Dataset 'v.csv' has no column 'label'; its columns are: p_a, p_b, p_c, species.")]
    [InlineData("p_a,p_b,label\n0.5,0.25,a\n", "Dataset 'v.csv' has no column 'p_c'; its columns are: p_a, p_b, label.")]
    [InlineData("p_a,p_b,p_c,label\n0.5,0.25,0.25,a\n0.5,abc,0.25,b\n", "Dataset 'v.csv' row 2, column 'p_b': 'abc' is not a number.")]
    [InlineData("p_a,p_b,p_c,label\n0.5,,0.25,a\n", "Dataset 'v.csv' row 1, column 'p_b': '' is not a number.")]
    [InlineData("p_a,p_b,p_c,label\n0.5,NaN,0.25,a\n", "Dataset 'v.csv' row 1, column 'p_b': 'NaN' is not a finite number; NaN and Infinity are refused unless model.json sets allowNonFinite.")]
    [InlineData("p_a,p_b,p_c,label\n0.5,0.25,0.25,d\n", "Dataset 'v.csv' row 1, column 'label': 'd' is not one of the model's classes (a, b, c).")]
    [InlineData("p_a,p_b,p_c,label\n0.5,0.25,0.25,a\n\n0.5,0.25,b\n", "Dataset 'v.csv' line 4 has 3 cells; the header has 4.")]
    [InlineData("", "Dataset 'v.csv' is empty; it needs a header row.")]
    [InlineData("p_a,p_b,p_c,label\n", "Dataset 'v.csv' has no rows; validation needs at least one.")]
    public async Task BadCsvIsNamed(string csv, string message)
    {
        var error = await Assert.ThrowsAsync<EvaluationException>(() => RunAsync(csv, "v.csv"));

        Assert.Equal(message, error.Message);
    }

    [Theory]
    [InlineData("{\"p_a\": 0.5, \"p_b\": 0.25, \"p_c\": 0.25, \"label\": \"a\"}\n{\"p_a\": 0.5, \"p_b\": 0.25, \"p_c\": 0.25}\n", "Dataset 'v.jsonl' line 2 has no key 'label'; its keys are: p_a, p_b, p_c.")]
    [InlineData("{\"p_a\": 0.5, \"p_b\": true, \"p_c\": 0.25, \"label\": \"a\"}\n", "Dataset 'v.jsonl' line 1, column 'p_b': 'true' is not a number.")]
    [InlineData("{\"p_a\": 0.5, \"p_b\": \"abc\", \"p_c\": 0.25, \"label\": \"a\"}\n", "Dataset 'v.jsonl' line 1, column 'p_b': 'abc' is not a number.")]
    [InlineData("\n[0.5, 0.25]\n", "Dataset 'v.jsonl' line 2: the line is not a JSON object; each line holds one object of column names and values.")]
    [InlineData("\n\n", "Dataset 'v.jsonl' has no rows; validation needs at least one.")]
    public async Task BadJsonLinesAreNamed(string lines, string message)
    {
        var error = await Assert.ThrowsAsync<EvaluationException>(() => RunAsync(lines, "v.jsonl"));

        Assert.Equal(message, error.Message);
    }

    [Theory]
    [InlineData("{\"p_a\": 0.5, \"p_b\": 0.25, \"p_c\": 0.25, \"label\": \"a\"}\n{\"p_a\": 0.5,\n", "Dataset 'v.jsonl' line 2 is not valid JSON: ")]
    [InlineData("{\"p_a\": 0.5, \"p_b\": 0.25, \"p_c\": 0.25, \"label\": \"a\"} {}\n", "Dataset 'v.jsonl' line 1 is not valid JSON: ")]
    public async Task MalformedJsonNamesItsLine(string lines, string start)
    {
        var error = await Assert.ThrowsAsync<EvaluationException>(() => RunAsync(lines, "v.jsonl"));

        Assert.StartsWith(start, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnotherFormatIsNamed()
    {
        var error = await Assert.ThrowsAsync<EvaluationException>(() => RunAsync("x", "v.parquet"));

        Assert.Equal("Dataset 'v.parquet' is neither CSV (.csv) nor JSON Lines (.jsonl, .ndjson); name the file with one of those extensions.", error.Message);
    }

    [Fact]
    public async Task NonFiniteCellsAreReadWhenTheManifestAllowsThem()
    {
        var model = _scratch.Load(
            OnnxModelBuilder.Identity(new OnnxModelBuilder.Input("x", TensorElementType.Float, "batch", 3L)),
            ValidationScratch.Manifest("1.0.0", """
                "task": "classification", "classNames": ["a", "b", "c"], "allowNonFinite": true,
                "inputs": { "x": { "featureNames": ["p_a", "p_b", "p_c"] } }
                """));

        var outcome = await _scratch.RunAsync("p_a,p_b,p_c,label\n0.5,NaN,0.25,a\n", ValidationScratch.Spec("classification", "\"metrics\": [\"accuracy\"]"), model);

        Assert.Equal(1, outcome.Rows);
        Assert.Contains("logloss was not computed: output 'x_out' is not class probabilities: row 1 of the dataset has scores [0.5, NaN, 0.25]", Assert.Single(outcome.Candidate.Notes), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListedLogLossNeedsProbabilities()
    {
        var error = await Assert.ThrowsAsync<EvaluationException>(() => RunAsync("p_a,p_b,p_c,label\n0.5,0.25,0.25,a\n2,1,0.5,b\n", "v.csv", "\"logloss\""));

        Assert.Equal(
            "m 1.0.0: logloss needs class probabilities, but output 'x_out' is not class probabilities: row 2 of the dataset has scores [2, 1, 0.5], which are not each between 0 and 1 with a sum of 1. Use a model whose scores are a softmax, or drop logloss from validation.metrics.",
            error.Message);
    }

    [Fact]
    public async Task AucOfASingleClassIsUndefined()
    {
        var error = await Assert.ThrowsAsync<EvaluationException>(() => RunAsync("p_a,p_b,p_c,label\n0.5,0.25,0.25,a\n0.25,0.5,0.25,a\n", "v.csv", "\"auc\""));

        Assert.Equal("m 1.0.0: auc is undefined on this dataset: every row's label is the same class, and ROC AUC needs rows of at least two classes.", error.Message);
    }

    [Fact]
    public async Task AMetricOfAnotherTaskIsNamed()
    {
        // A spec a job gives has not been through the manifest reader, which would have refused it.
        var spec = ValidationScratch.Spec("classification", "\"metrics\": [\"accuracy\"]") with { Metrics = ["accuracy", "rmse"] };

        var error = await Assert.ThrowsAsync<EvaluationException>(() => _scratch.RunAsync("p_a,p_b,p_c,label\n", spec, _scratch.Classifier(["a", "b", "c"], ["p_a", "p_b", "p_c"])));

        Assert.Equal("m 1.0.0 is a classification model, and 'rmse' is not one of its metrics (accuracy, f1, precision, recall, logloss, auc).", error.Message);
    }

    [Fact]
    public void AnInputThatNoColumnsCanFeedIsNamed()
    {
        var error = Assert.Throws<EvaluationException>(() => _scratch.Load(
            OnnxModelBuilder.Identity(new OnnxModelBuilder.Input("image", TensorElementType.Float, "batch", 1L, 28L, 28L)),
            ValidationScratch.Manifest("1.0.0", "\"task\": \"classification\", \"classNames\": [\"a\", \"b\"]")));

        Assert.Equal(
            "m 1.0.0: input image: float32[batch,1,28,28] cannot be fed from dataset columns: name its columns in model.json's inputs.image.featureNames for a [batch,n] input, or make it [batch] or [batch,1] to take the column 'image'.",
            error.Message);
    }

    [Fact]
    public void AClassifierWithoutScoresOrClassesIsNamed()
    {
        var model = _scratch.Classifier(["a", "b", "c"], ["p_a", "p_b"]);

        var error = Assert.Throws<EvaluationException>(() => ModelOutputs.ForClassifier(model.Outputs, 3, model.Name, scoresNeeded: false));

        Assert.Equal(
            "m 1.0.0: validating a classifier needs a float32 output of shape [batch,3] (class scores in classNames order) or an int64 output of shape [batch] (class indices); its outputs are x_out: float32[batch,2].",
            error.Message);
    }

    private async Task RunAsync(string text, string name, string metrics = "\"accuracy\"") =>
        await _scratch.RunAsync(text, ValidationScratch.Spec("classification", $"\"metrics\": [{metrics}]"), _scratch.Classifier(["a", "b", "c"], ["p_a", "p_b", "p_c"]), name: name);
}
