using System.Globalization;
using Cloud.Sdk.Manifests;

namespace Cloud.Serving.Batching;

/// <summary>
/// Knobs of a model version's micro-batcher. Names and meanings follow TF Serving's batching parameters
/// (max_batch_size, batch_timeout_micros, num_batch_threads, max_enqueued_batches, allowed_batch_sizes), with
/// defaults chosen for online serving; settable globally and per model.
/// </summary>
internal sealed record BatchingOptions : Cloud.Registry.Settings.ISettings
{
    /// <summary>
    /// False runs every request alone, at once, as its own batch; still at most <see cref="NumBatchThreads"/> at a
    /// time, and still bounded by the queue limit. For models whose batch dimension is not really free.
    /// </summary>
    public bool Enabled { get; init; } = true;

    /// <summary>
    /// The most rows one model run sees. A request with more rows is refused
    /// (<see cref="BatchItemTooLargeException"/>), batching enabled or not: this is the operator's bound on the
    /// memory and shape of one run, and a request cannot be split by the batcher.
    /// </summary>
    public int MaxBatchSize { get; init; } = 64;

    /// <summary>
    /// How long a free batch thread may wait for a fuller batch while other batches are running: until the oldest
    /// queued request has waited this long (and <see cref="MinParallelBatchSize"/> rows have queued). Zero (the
    /// default, TF Serving's too) adds no wait. An idle batcher never waits whatever this is.
    /// </summary>
    public TimeSpan BatchTimeout { get; init; } = TimeSpan.Zero;

    /// <summary>
    /// The fewest rows a batch may start with while another batch of the version is running (not a TF Serving knob).
    /// Fewer rows wait for more to queue or for the running batches to end, then start at once whatever their number,
    /// so they wait at most about one run. An idle batcher, and a full batch, never wait. 1 starts every batch as
    /// soon as a thread is free. Why: a small batch run beside another costs nearly what a full one does (the
    /// weights pass through the cache once per run) and takes a core from the HTTP work, while its rows cost little
    /// in the next batch. 8 measured best for the benchmark MLP on 2 cores (docs/performance.md).
    /// </summary>
    public int MinParallelBatchSize { get; init; } = 8;

    /// <summary>
    /// The longest <see cref="BatchTimeout"/>: useful values are milliseconds, and the bound keeps deadline arithmetic
    /// and timers far from their limits.
    /// </summary>
    public static readonly TimeSpan MaxBatchTimeout = TimeSpan.FromHours(1);

    /// <summary>
    /// How many batches run in the model at the same time; TF Serving's advice for CPU is the number of cores. A
    /// batch leaves this count when its run ends, before its answers are written, so the next batch starts at once.
    /// </summary>
    public int NumBatchThreads { get; init; } = Environment.ProcessorCount;

    /// <summary>
    /// How many full batches may wait: at most this × <see cref="MaxBatchSize"/> rows are queued, beyond that a
    /// request is refused at once. Null means <see cref="NumBatchThreads"/>, TF Serving's advice for online serving
    /// (its own default of 10 suits bulk work): a request then waits at most about one batch run for a thread, and
    /// under overload callers get a quick 429 instead of a long queue.
    /// </summary>
    public int? MaxEnqueuedBatches { get; init; }

    /// <summary>
    /// Null, or ascending batch sizes ending with <see cref="MaxBatchSize"/>: each batch is padded up to the next of
    /// them, for models compiled for a few static shapes.
    /// </summary>
    public IReadOnlyList<int>? AllowedBatchSizes { get; init; }

    /// <summary><see cref="MaxEnqueuedBatches"/>, or <see cref="NumBatchThreads"/> when that is not set.</summary>
    public int EffectiveMaxEnqueuedBatches => MaxEnqueuedBatches ?? NumBatchThreads;

    /// <summary>These options with a manifest's overrides: each field the manifest sets replaces the host's.</summary>
    public BatchingOptions With(BatchingOverrides? overrides) => overrides is null ? this : this with
    {
        MaxBatchSize = overrides.MaxBatchSize ?? MaxBatchSize,
        BatchTimeout = overrides.BatchTimeout ?? BatchTimeout,
        NumBatchThreads = overrides.NumBatchThreads ?? NumBatchThreads,
        MaxEnqueuedBatches = overrides.MaxEnqueuedBatches ?? MaxEnqueuedBatches,
        AllowedBatchSizes = overrides.AllowedBatchSizes.Count > 0 ? overrides.AllowedBatchSizes : AllowedBatchSizes,
        MinParallelBatchSize = overrides.MinParallelBatchSize ?? MinParallelBatchSize,
    };

    /// <summary>Problems of the host-wide defaults (section "Cloud:Batching"), each naming the setting.</summary>
    public IEnumerable<string> Validate(string section) => Validate().Select(problem => $"{section}: {problem}");

    /// <summary>The problems of these options, each naming the bad value; empty when they are valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (MaxBatchSize < 1)
        {
            problems.Add(Invariant($"MaxBatchSize must be at least 1; it is {MaxBatchSize}."));
        }

        if (BatchTimeout < TimeSpan.Zero || BatchTimeout > MaxBatchTimeout)
        {
            problems.Add(Invariant($"BatchTimeout must be between 0 and {MaxBatchTimeout}; it is {BatchTimeout}."));
        }

        if (MinParallelBatchSize < 1)
        {
            problems.Add(Invariant($"MinParallelBatchSize must be at least 1; it is {MinParallelBatchSize}."));
        }

        if (NumBatchThreads < 1)
        {
            problems.Add(Invariant($"NumBatchThreads must be at least 1; it is {NumBatchThreads}."));
        }

        if (MaxEnqueuedBatches < 1)
        {
            problems.Add(Invariant($"MaxEnqueuedBatches must be at least 1 (or unset for NumBatchThreads); it is {MaxEnqueuedBatches}."));
        }

        if (AllowedBatchSizes is { } sizes)
        {
            var list = Invariant($"[{string.Join(", ", sizes)}]");
            if (sizes.Count == 0)
            {
                problems.Add("AllowedBatchSizes must not be empty (leave it unset for no padding).");
            }
            else if (sizes[0] < 1)
            {
                problems.Add(Invariant($"AllowedBatchSizes must hold sizes of at least 1; it is {list}."));
            }
            else if (sizes.Zip(sizes.Skip(1)).Any(pair => pair.First >= pair.Second))
            {
                problems.Add(Invariant($"AllowedBatchSizes must be strictly ascending; it is {list}."));
            }
            else if (sizes[^1] != MaxBatchSize)
            {
                problems.Add(Invariant($"AllowedBatchSizes must end with MaxBatchSize ({MaxBatchSize}); it is {list}."));
            }
        }

        return problems;
    }

    /// <summary>The batch size a batch of <paramref name="rows"/> rows runs at: the next allowed size, or itself.</summary>
    internal int PaddedSize(int rows)
    {
        if (AllowedBatchSizes is { } sizes)
        {
            foreach (var size in sizes)
            {
                if (size >= rows)
                {
                    return size;
                }
            }
        }

        return rows;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
