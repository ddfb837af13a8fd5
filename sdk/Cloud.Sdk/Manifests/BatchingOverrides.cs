namespace Cloud.Sdk.Manifests;

/// <summary>
/// Per-model micro-batching settings (manifest field <c>batching</c>), named after TensorFlow Serving's batching
/// parameters. A null member keeps the host's setting.
/// </summary>
public sealed record BatchingOverrides
{
    /// <summary>Largest batch, in rows (<c>maxBatchSize</c>, 1 to 65536); 1 turns batching off for the model.</summary>
    public int? MaxBatchSize { get; init; }

    /// <summary>How long the oldest queued request may wait for a batch to fill (<c>batchTimeoutMs</c>, in milliseconds in the manifest).</summary>
    public TimeSpan? BatchTimeout { get; init; }

    /// <summary>Batches run at the same time (<c>numBatchThreads</c>).</summary>
    public int? NumBatchThreads { get; init; }

    /// <summary>Batches that may wait; a request beyond them is refused at once (<c>maxEnqueuedBatches</c>).</summary>
    public int? MaxEnqueuedBatches { get; init; }

    /// <summary>
    /// Batch sizes the model may be run with, ascending, the last equal to <see cref="MaxBatchSize"/>; a batch is
    /// padded up to the next one. Empty: any size up to <see cref="MaxBatchSize"/> (<c>allowedBatchSizes</c>).
    /// </summary>
    public IReadOnlyList<int> AllowedBatchSizes { get; init; } = [];

    /// <summary>
    /// The fewest rows a batch may start with while another batch of the model runs (<c>minParallelBatchSize</c>,
    /// 1 to 65536; not a TF Serving knob). Fewer rows wait for the running batch to end; 1 never waits.
    /// </summary>
    public int? MinParallelBatchSize { get; init; }
}
