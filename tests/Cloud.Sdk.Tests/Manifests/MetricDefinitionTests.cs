using Cloud.Sdk.Manifests;

namespace Cloud.Sdk.Tests.Manifests;

/// <summary>The metric table: which way each metric improves, and what a threshold or baseline means for it.</summary>
public sealed class MetricDefinitionTests
{
    [Theory]
    [InlineData("accuracy", ModelTask.Classification, MetricDirection.HigherIsBetter)]
    [InlineData("f1", ModelTask.Classification, MetricDirection.HigherIsBetter)]
    [InlineData("precision", ModelTask.Classification, MetricDirection.HigherIsBetter)]
    [InlineData("recall", ModelTask.Classification, MetricDirection.HigherIsBetter)]
    [InlineData("logloss", ModelTask.Classification, MetricDirection.LowerIsBetter)]
    [InlineData("auc", ModelTask.Classification, MetricDirection.HigherIsBetter)]
    [InlineData("mse", ModelTask.Regression, MetricDirection.LowerIsBetter)]
    [InlineData("rmse", ModelTask.Regression, MetricDirection.LowerIsBetter)]
    [InlineData("mae", ModelTask.Regression, MetricDirection.LowerIsBetter)]
    [InlineData("r2", ModelTask.Regression, MetricDirection.HigherIsBetter)]
    public void EachMetricHasItsTaskAndDirection(string name, ModelTask task, MetricDirection direction)
    {
        var metric = MetricDefinition.Find(name);

        Assert.NotNull(metric);
        Assert.Equal(task, metric.Task);
        Assert.Equal(direction, metric.Direction);
    }

    [Fact]
    public void TheTableHoldsExactlyTheDocumentedMetrics()
    {
        Assert.Equal(["accuracy", "f1", "precision", "recall", "logloss", "auc", "mse", "rmse", "mae", "r2"], MetricDefinition.All.Select(metric => metric.Name));
        Assert.Empty(MetricDefinition.For(ModelTask.Other));
        Assert.Null(MetricDefinition.Find("Accuracy"));
    }

    [Fact]
    public void ThresholdIsAMinimumWhenHigherIsBetter()
    {
        Assert.True(MetricDefinition.Accuracy.Meets(0.9, 0.9));
        Assert.True(MetricDefinition.Accuracy.Meets(0.95, 0.9));
        Assert.False(MetricDefinition.Accuracy.Meets(0.89, 0.9));
    }

    [Fact]
    public void ThresholdIsAMaximumForErrorMetrics()
    {
        Assert.True(MetricDefinition.Rmse.Meets(0.5, 0.5));
        Assert.True(MetricDefinition.Rmse.Meets(0.4, 0.5));
        Assert.False(MetricDefinition.Rmse.Meets(0.6, 0.5));
    }

    [Fact]
    public void BaselineToleranceAllowsThatMuchWorse()
    {
        Assert.True(MetricDefinition.Accuracy.IsNoWorseThan(0.89, 0.9, 0.01 + 1e-12));
        Assert.False(MetricDefinition.Accuracy.IsNoWorseThan(0.88, 0.9, 0.01));
        Assert.True(MetricDefinition.Accuracy.IsNoWorseThan(0.9, 0.9, 0));
        Assert.True(MetricDefinition.LogLoss.IsNoWorseThan(0.35, 0.3, 0.05 + 1e-12));
        Assert.False(MetricDefinition.LogLoss.IsNoWorseThan(0.36, 0.3, 0.05));
        Assert.True(MetricDefinition.Mae.IsNoWorseThan(1.0, 2.0, 0));
    }

    [Fact]
    public void RelativeToleranceIsAFractionOfTheBaselinesMagnitude()
    {
        // 5 % of 0.8 is 0.04: accuracy may fall to 0.76, not below.
        Assert.True(MetricDefinition.Accuracy.IsNoWorseThanRelative(0.76 + 1e-12, 0.8, 0.05));
        Assert.False(MetricDefinition.Accuracy.IsNoWorseThanRelative(0.75, 0.8, 0.05));
        // 10 % of an rmse of 2.0 is 0.2: rmse may rise to 2.2.
        Assert.True(MetricDefinition.Rmse.IsNoWorseThanRelative(2.2 - 1e-12, 2.0, 0.1));
        Assert.False(MetricDefinition.Rmse.IsNoWorseThanRelative(2.25, 2.0, 0.1));
        // A negative baseline r2 of -0.5: 10 % of its magnitude is 0.05, so -0.55 passes and -0.6 does not.
        Assert.True(MetricDefinition.R2.IsNoWorseThanRelative(-0.55 + 1e-12, -0.5, 0.1));
        Assert.False(MetricDefinition.R2.IsNoWorseThanRelative(-0.6, -0.5, 0.1));
    }
}
