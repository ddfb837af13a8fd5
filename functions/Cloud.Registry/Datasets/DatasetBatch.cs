namespace Cloud.Registry.Datasets;

/// <summary>
/// Up to <see cref="Capacity"/> consecutive rows of a dataset, as a model takes them: the feature columns row-major as
/// float32 ([rows, features], the layout of a [batch, n] input), and each row's label. Batches are reused: a reader
/// refills one in place, so reading a dataset of any size holds only the batches in flight.
/// </summary>
internal sealed class DatasetBatch
{
    public DatasetBatch(int capacity, DatasetColumns columns)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
        FeatureCount = columns.Features.Count;
        Features = new float[capacity * FeatureCount];
        Classes = columns.HasClassLabel ? new int[capacity] : [];
        Targets = columns.HasNumericLabel ? new double[capacity] : [];
    }

    public int Capacity { get; }

    public int FeatureCount { get; }

    /// <summary>Row-major features: row r's feature f is at r × <see cref="FeatureCount"/> + f.</summary>
    public float[] Features { get; }

    /// <summary>Each row's class index, when the label is a class name.</summary>
    public int[] Classes { get; }

    /// <summary>Each row's target, when the label is a number.</summary>
    public double[] Targets { get; }

    /// <summary>The rows filled.</summary>
    public int Count { get; set; }

    /// <summary>The ordinal of this batch's first row among the dataset's rows (from 1; header and blank lines not counted).</summary>
    public long FirstRow { get; set; }

    public Span<float> Row(int row) => Features.AsSpan(row * FeatureCount, FeatureCount);
}
