using Cloud.Registry.Datasets;
using Cloud.Sdk.Manifests;

namespace Cloud.Jobs.Evaluation;

/// <summary>
/// Regression metrics in one pass with constant memory: sums of squared and absolute errors, and the targets' mean and
/// sum of squared deviations by Welford's update (R²'s denominator without a second pass or the targets kept).
/// </summary>
internal sealed class RegressionAccumulator : IMetricAccumulator
{
    private long _rows;
    private double _squaredErrors;
    private double _absoluteErrors;
    private double _targetMean;
    private double _targetDeviations;

    public void Add(DatasetBatch batch, int start, int count, Predictions predictions)
    {
        for (var i = 0; i < count; i++)
        {
            var target = batch.Targets[start + i];
            var error = predictions.Scores[i] - target;
            _squaredErrors += error * error;
            _absoluteErrors += Math.Abs(error);
            _rows++;
            var delta = target - _targetMean;
            _targetMean += delta / _rows;
            _targetDeviations += delta * (target - _targetMean);
        }
    }

    public ModelMetrics Finish()
    {
        var mse = _squaredErrors / _rows;

        // Constant targets leave R² undefined (0/0 or x/0); as scikit-learn does, 1 for perfect predictions, else 0.
        var r2 = _targetDeviations > 0 ? 1 - (_squaredErrors / _targetDeviations) : _squaredErrors == 0 ? 1 : 0;
        var values = new OrderedDictionary<string, double>(StringComparer.Ordinal)
        {
            [MetricDefinition.Mse.Name] = mse,
            [MetricDefinition.Rmse.Name] = Math.Sqrt(mse),
            [MetricDefinition.Mae.Name] = _absoluteErrors / _rows,
            [MetricDefinition.R2.Name] = r2,
        };
        return new ModelMetrics(values, null, []);
    }
}
