using Cloud.Registry.Datasets;

namespace Cloud.Jobs.Evaluation;

/// <summary>A task's metrics, accumulated run by run over the stream and finished once at its end.</summary>
internal interface IMetricAccumulator
{
    /// <summary>Adds rows [start, start + count) of the batch with the model's predictions for them.</summary>
    void Add(DatasetBatch batch, int start, int count, Predictions predictions);

    /// <summary>Every metric the rows allow, in the metric table's order, with the details behind them.</summary>
    ModelMetrics Finish();
}
