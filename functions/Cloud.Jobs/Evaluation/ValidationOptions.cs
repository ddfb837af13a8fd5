namespace Cloud.Jobs.Evaluation;

/// <summary>How validation reads and runs: the batch size, the read-ahead, ORT's threads, and where model files are copied.</summary>
internal sealed record ValidationOptions
{
    /// <summary>Rows per model run (256: past MLAS's small-batch steps, and 1 MiB of floats for 1,000 features).</summary>
    public int BatchSize { get; init; } = 256;

    /// <summary>
    /// Batches that exist at once: one being parsed, the rest queued or being run. Bounds the dataset's memory to
    /// BatchesInFlight × BatchSize rows, whatever the file's size; 3 lets parsing and the model overlap.
    /// </summary>
    public int BatchesInFlight { get; init; } = 3;

    /// <summary>
    /// ORT's intra-op threads per session. Null: one fewer than the cores (at least 1), since the reader keeps a core
    /// busy parsing the next batch while the model runs (docs/performance.md, validation throughput).
    /// </summary>
    public int? IntraOpThreads { get; init; }

    /// <summary>The intra-op threads a session gets.</summary>
    public int SessionThreads => IntraOpThreads ?? Math.Max(1, Environment.ProcessorCount - 1);

    /// <summary>Where model files are downloaded to while a validation runs (deleted once the session has loaded them).</summary>
    public string WorkDirectory { get; init; } = Path.Combine(Path.GetTempPath(), "cloud-validate");
}
