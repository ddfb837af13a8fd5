namespace Cloud.Registry.Datasets;

/// <summary>A dataset read forward in batches: only the rows of the batch being filled are ever parsed and held.</summary>
internal interface IDatasetReader : IAsyncDisposable
{
    /// <summary>The dataset as messages name it: a local path, or a path in the model store.</summary>
    string Name { get; }

    /// <summary>
    /// Refills <paramref name="batch"/> with the next rows, at most its capacity; fewer only at the end of the dataset.
    /// Returns the rows read, 0 at the end.
    /// </summary>
    /// <exception cref="DatasetException">A row cannot be read as the columns ask: the message names the row and column.</exception>
    ValueTask<int> ReadAsync(DatasetBatch batch, CancellationToken cancellationToken = default);
}
