using Cloud.Sdk.Manifests;

namespace Cloud.Sdk.Tests.Manifests;

/// <summary>The validation section: a dataset inside the folder, metrics known for the task, thresholds and baseline per listed metric.</summary>
public sealed class ValidationSectionTests
{
    private static string Validation(string task, string fields) =>
        Manifests.With($"\"task\": \"{task}\", \"validation\": {{ \"dataset\": \"v.csv\", \"labelColumn\": \"y\", {fields} }}");

    [Theory]
    [InlineData("../data.csv", "it has a '..' segment; name files inside the folder without '.' or '..'")]
    [InlineData("data/../../x.csv", "it has a '..' segment; name files inside the folder without '.' or '..'")]
    [InlineData("/etc/passwd", "it starts with '/'")]
    [InlineData("data//v.csv", "it has an empty segment ('//' or a trailing '/')")]
    [InlineData("data/", "it has an empty segment ('//' or a trailing '/')")]
    [InlineData("./v.csv", "it has a '.' segment; name files inside the folder without '.' or '..'")]
    [InlineData("C:/v.csv", "its segment 'C:' contains ':'")]
    [InlineData("", "it is empty")]
    public void DatasetMustStayInsideTheFolder(string dataset, string problem)
    {
        var json = Manifests.With($"\"task\": \"regression\", \"validation\": {{ \"dataset\": \"{dataset}\", \"labelColumn\": \"y\", \"metrics\": [\"rmse\"] }}");

        Assert.Equal(
            new ManifestError("$.validation.dataset", $"Dataset '{dataset}' is not a relative path inside the model folder: {problem}. Use a path such as \"validation.csv\" or \"data/validation.csv\"."),
            Manifests.SingleError(json));
    }

    [Fact]
    public void DatasetWithABackslashIsRefused()
    {
        var json = Manifests.With("\"task\": \"regression\", \"validation\": { \"dataset\": \"data\\\\v.csv\", \"labelColumn\": \"y\", \"metrics\": [\"rmse\"] }");

        Assert.Equal(
            "Dataset 'data\\v.csv' is not a relative path inside the model folder: its segment 'data\\v.csv' contains '\\'. Use a path such as \"validation.csv\" or \"data/validation.csv\".",
            Manifests.SingleError(json).Message);
    }

    [Fact]
    public void DatasetInASubfolderIsAllowed()
    {
        Assert.Equal("data/v.csv", Manifests.Valid(Manifests.With(
            "\"task\": \"regression\", \"validation\": { \"dataset\": \"data/v.csv\", \"labelColumn\": \"y\", \"metrics\": [\"rmse\"] }")).Validation!.Dataset);
    }

    [Fact]
    public void MissingValidationFieldsAreEachReported()
    {
        var errors = Manifests.Read(Manifests.With("\"task\": \"regression\", \"validation\": {}")).Errors;

        Assert.Equal(
            [
                new ManifestError("$.validation.dataset", "Required field 'dataset' is missing from $.validation."),
                new ManifestError("$.validation.labelColumn", "Required field 'labelColumn' is missing from $.validation."),
                new ManifestError("$.validation.metrics", "Required field 'metrics' is missing from $.validation."),
            ],
            errors);
    }

    [Fact]
    public void EmptyLabelColumnIsRefused()
    {
        Assert.Equal(
            new ManifestError("$.validation.labelColumn", "$.validation.labelColumn is empty; name the dataset column that holds the true label."),
            Manifests.SingleError(Manifests.With("\"task\": \"regression\", \"validation\": { \"dataset\": \"v.csv\", \"labelColumn\": \"\", \"metrics\": [\"rmse\"] }")));
    }

    [Fact]
    public void LabelColumnThatIsAFeatureIsRefused()
    {
        var json = Manifests.With("""
            "task": "regression", "inputs": { "x": { "featureNames": ["a", "y"] } },
            "validation": { "dataset": "v.csv", "labelColumn": "y", "metrics": ["rmse"] }
            """);

        Assert.Equal(
            new ManifestError("$.validation.labelColumn", "Label column 'y' is also a feature of input 'x'; the true label must not be an input to the model."),
            Manifests.SingleError(json));
    }

    [Fact]
    public void EmptyMetricListIsRefused()
    {
        Assert.Equal(
            new ManifestError("$.validation.metrics", "$.validation.metrics is empty; list at least one metric, such as 'accuracy' or 'rmse'."),
            Manifests.SingleError(Validation("regression", "\"metrics\": []")));
    }

    [Fact]
    public void MisspelledMetricSuggestsTheOneForTheTask()
    {
        Assert.Equal(
            new ManifestError("$.validation.metrics[1]", "Metric 'acuracy' is not known; did you mean 'accuracy'? The metrics for classification are 'accuracy', 'f1', 'precision', 'recall', 'logloss' and 'auc'."),
            Manifests.SingleError(Validation("classification", "\"metrics\": [\"f1\", \"acuracy\"]")));
    }

    [Fact]
    public void MetricOfAnotherTaskIsRefused()
    {
        Assert.Equal(
            new ManifestError("$.validation.metrics[0]", "Metric 'accuracy' is for classification, but the task is 'regression'; the metrics for regression are 'mse', 'rmse', 'mae' and 'r2'."),
            Manifests.SingleError(Validation("regression", "\"metrics\": [\"accuracy\"]")));
    }

    [Fact]
    public void MetricInUppercaseSuggestsTheLowercaseName()
    {
        Assert.Equal(
            "Metric 'RMSE' is not known; did you mean 'rmse'? The metrics for regression are 'mse', 'rmse', 'mae' and 'r2'.",
            Manifests.SingleError(Validation("regression", "\"metrics\": [\"RMSE\"]")).Message);
    }

    [Fact]
    public void DuplicateMetricIsRefused()
    {
        Assert.Equal(
            new ManifestError("$.validation.metrics[1]", "Metric 'mae' appears more than once in $.validation.metrics; list each once."),
            Manifests.SingleError(Validation("regression", "\"metrics\": [\"mae\", \"mae\"]")));
    }

    [Fact]
    public void ValidationNeedsATaskThatHasMetrics()
    {
        var json = Manifests.With("\"validation\": { \"dataset\": \"v.csv\", \"labelColumn\": \"y\", \"metrics\": [\"accuracy\"] }");

        Assert.Equal(
            new ManifestError("$.validation", "Validation needs task 'classification' or 'regression' to know how to score the model, but the task is 'other' (the default when task is left out)."),
            Manifests.SingleError(json));
    }

    [Fact]
    public void ThresholdForAMisspelledMetricSuggestsTheListedOne()
    {
        Assert.Equal(
            new ManifestError("$.validation.thresholds.acuracy", "Threshold for 'acuracy' names no metric in $.validation.metrics; did you mean 'accuracy'?"),
            Manifests.SingleError(Validation("classification", "\"metrics\": [\"accuracy\"], \"thresholds\": { \"acuracy\": 0.9 }")));
    }

    [Fact]
    public void ThresholdForAnUnlistedMetricSaysToListIt()
    {
        Assert.Equal(
            new ManifestError("$.validation.thresholds.f1", "Threshold for 'f1' has no metric to apply to: add 'f1' to $.validation.metrics, or remove the threshold."),
            Manifests.SingleError(Validation("classification", "\"metrics\": [\"accuracy\"], \"thresholds\": { \"f1\": 0.9 }")));
    }

    [Fact]
    public void ThresholdForSomethingUnrelatedListsTheMetrics()
    {
        Assert.Equal(
            "Threshold for 'speed' names no metric in $.validation.metrics, which lists 'accuracy' and 'f1'.",
            Manifests.SingleError(Validation("classification", "\"metrics\": [\"accuracy\", \"f1\"], \"thresholds\": { \"speed\": 1 }")).Message);
    }

    [Fact]
    public void PercentageThresholdIsToldToUseAFraction()
    {
        Assert.Equal(
            new ManifestError("$.validation.thresholds.accuracy", "Threshold for 'accuracy' must be between 0 and 1; it is 90 (for 90%, write 0.9)."),
            Manifests.SingleError(Validation("classification", "\"metrics\": [\"accuracy\"], \"thresholds\": { \"accuracy\": 90 }")));
    }

    [Theory]
    [InlineData("logloss", "classification", "-0.1", "0 or more")]
    [InlineData("rmse", "regression", "-1", "0 or more")]
    [InlineData("r2", "regression", "1.5", "at most 1")]
    [InlineData("f1", "classification", "-0.5", "between 0 and 1")]
    [InlineData("auc", "classification", "-0.01", "between 0 and 1")]
    [InlineData("mse", "regression", "-0.01", "0 or more")]
    public void ThresholdOutsideTheMetricsRangeIsRefused(string metric, string task, string value, string range)
    {
        Assert.Equal(
            new ManifestError($"$.validation.thresholds.{metric}", $"Threshold for '{metric}' must be {range}; it is {value}."),
            Manifests.SingleError(Validation(task, $"\"metrics\": [\"{metric}\"], \"thresholds\": {{ \"{metric}\": {value} }}")));
    }

    [Fact]
    public void NegativeR2ThresholdIsAllowed()
    {
        var validation = Manifests.Valid(Validation("regression", "\"metrics\": [\"r2\"], \"thresholds\": { \"r2\": -0.5 }")).Validation!;

        Assert.Equal(-0.5, validation.Thresholds["r2"]);
    }

    [Fact]
    public void BaselineLabelMustBeALabel()
    {
        Assert.Equal(
            new ManifestError("$.validation.baselineLabel", "Baseline label 'Stable' is not a valid label: it starts with 'S'. Use 1 to 63 lowercase letters, digits or '-', starting with a letter."),
            Manifests.SingleError(Validation("regression", "\"metrics\": [\"rmse\"], \"baselineLabel\": \"Stable\"")));
    }

    [Fact]
    public void BaselineToleranceNeedsABaselineLabel()
    {
        Assert.Equal(
            new ManifestError("$.validation.baselineTolerance", "$.validation.baselineTolerance needs $.validation.baselineLabel: a tolerance says how much worse than the baseline version the candidate may be, and no baseline is named."),
            Manifests.SingleError(Validation("regression", "\"metrics\": [\"rmse\"], \"baselineTolerance\": { \"rmse\": 0.1 }")));
    }

    [Fact]
    public void NegativeBaselineToleranceIsRefused()
    {
        Assert.Equal(
            new ManifestError("$.validation.baselineTolerance.rmse", "Baseline tolerance for 'rmse' must be a number, 0 or more; it is -0.1."),
            Manifests.SingleError(Validation("regression", "\"metrics\": [\"rmse\"], \"baselineLabel\": \"stable\", \"baselineTolerance\": { \"rmse\": -0.1 }")));
    }

    [Fact]
    public void BaselineToleranceForAnUnlistedMetricIsRefused()
    {
        Assert.Equal(
            new ManifestError("$.validation.baselineTolerance.mae", "Baseline tolerance for 'mae' has no metric to apply to: add 'mae' to $.validation.metrics, or remove the baseline tolerance."),
            Manifests.SingleError(Validation("regression", "\"metrics\": [\"rmse\"], \"baselineLabel\": \"stable\", \"baselineTolerance\": { \"mae\": 0.1 }")));
    }

    [Fact]
    public void RelativeBaselineToleranceIsReadBesideTheAbsoluteOne()
    {
        var validation = Manifests.Valid(Validation("regression",
            "\"metrics\": [\"rmse\", \"mae\"], \"baselineLabel\": \"stable\", \"baselineTolerance\": { \"rmse\": 0.1 }, \"baselineRelativeTolerance\": { \"rmse\": 0.05, \"mae\": 2 }")).Validation!;

        Assert.Equal(new Dictionary<string, double> { ["rmse"] = 0.1 }, validation.BaselineTolerance);
        Assert.Equal(new Dictionary<string, double> { ["rmse"] = 0.05, ["mae"] = 2 }, validation.BaselineRelativeTolerance);
    }

    [Fact]
    public void RelativeBaselineToleranceNeedsABaselineLabel()
    {
        Assert.Equal(
            new ManifestError("$.validation.baselineRelativeTolerance", "$.validation.baselineRelativeTolerance needs $.validation.baselineLabel: a tolerance says how much worse than the baseline version the candidate may be, and no baseline is named."),
            Manifests.SingleError(Validation("regression", "\"metrics\": [\"rmse\"], \"baselineRelativeTolerance\": { \"rmse\": 0.1 }")));
    }

    [Fact]
    public void NegativeRelativeBaselineToleranceIsRefused()
    {
        Assert.Equal(
            new ManifestError("$.validation.baselineRelativeTolerance.rmse", "Baseline relative tolerance for 'rmse' must be a number, 0 or more (a fraction of the baseline's value: 0.05 allows 5 %); it is -0.1."),
            Manifests.SingleError(Validation("regression", "\"metrics\": [\"rmse\"], \"baselineLabel\": \"stable\", \"baselineRelativeTolerance\": { \"rmse\": -0.1 }")));
    }

    [Fact]
    public void RelativeBaselineToleranceForAnUnlistedMetricIsRefused()
    {
        Assert.Equal(
            new ManifestError("$.validation.baselineRelativeTolerance.mae", "Baseline relative tolerance for 'mae' has no metric to apply to: add 'mae' to $.validation.metrics, or remove the baseline relative tolerance."),
            Manifests.SingleError(Validation("regression", "\"metrics\": [\"rmse\"], \"baselineLabel\": \"stable\", \"baselineRelativeTolerance\": { \"mae\": 0.1 }")));
    }
}
