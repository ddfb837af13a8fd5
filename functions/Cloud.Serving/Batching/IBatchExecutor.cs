namespace Cloud.Serving.Batching;

/// <summary>
/// Runs merged batches for a <see cref="MicroBatcher{TItem, TResult}"/>: knows how many rows a request has, how to
/// concatenate requests along the batch dimension, run the model once and split the outputs back.
/// </summary>
/// <typeparam name="TItem">One caller's request.</typeparam>
/// <typeparam name="TResult">One caller's result.</typeparam>
internal interface IBatchExecutor<TItem, TResult>
{
    /// <summary>The rows (size of the batch dimension) of one request; at least 1.</summary>
    int RowsOf(TItem item);

    /// <summary>
    /// Whether the request cannot be stacked with others (its tensors are not rows of a batch: broadcasting inputs,
    /// scalars, an empty tensor, no inputs at all). Such a request counts as one row in the queue, is always a
    /// batch of its own, and runs with exactly the shapes it brings.
    /// </summary>
    bool RunsAlone(TItem item) => false;

    /// <summary>
    /// Runs one merged batch and returns one result per item, in the order of <paramref name="items"/>.
    /// </summary>
    /// <param name="items">
    /// The requests of the batch, oldest first; their rows sum to at most the batcher's maximum. A request that
    /// <see cref="RunsAlone"/> is always the only item of its batch.
    /// </param>
    /// <param name="paddedRows">
    /// The batch size to run: the sum of the items' rows, or, when allowed batch sizes are set, the next allowed
    /// size; the executor pads by repeating a real row and drops the padded outputs.
    /// </param>
    /// <param name="cancellationToken">
    /// Not cancelled by callers giving up (a batch is shared by several callers); reserved for the host.
    /// </param>
    ValueTask<IReadOnlyList<TResult>> ExecuteAsync(IReadOnlyList<TItem> items, int paddedRows, CancellationToken cancellationToken);
}
