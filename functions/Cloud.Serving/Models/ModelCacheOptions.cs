using Cloud.Registry.Settings;

namespace Cloud.Serving.Models;

/// <summary>Settings of the model cache (section "Cloud:Cache" in configuration).</summary>
internal sealed record ModelCacheOptions : ISettings
{
    /// <summary>Where model files are kept locally, one file per content hash; the host puts it under its data directory when null.</summary>
    public string? Directory { get; init; }

    /// <summary>
    /// Memory the loaded sessions may use together. ORT does not report a session's memory, so each version is
    /// charged <see cref="MemoryPerModelByte"/> × its file size (ORT holds the weights, plus working buffers).
    /// </summary>
    public long MemoryBudgetBytes { get; init; } = 4L * 1024 * 1024 * 1024;

    /// <summary>
    /// What session runs may allocate together (intermediate and output tensors; not weights), so that a request
    /// whose shapes ask for more is refused with the numbers instead of taking the host's memory. One limit per
    /// process (see <see cref="RunMemory"/>); at most 4 GiB − 1; 0 leaves runs unbounded.
    /// </summary>
    public long RunMemoryLimitBytes { get; init; } = 2L * 1024 * 1024 * 1024;

    /// <summary>The most versions loaded at once.</summary>
    public int MaxLoadedVersions { get; init; } = 16;

    /// <summary>Estimated session memory per byte of model file (2.3 measured for a plain MLP; see docs/performance.md).</summary>
    public double MemoryPerModelByte { get; init; } = 2.5;

    /// <summary>Intra-op threads per session; 1 lets the batcher's threads, not ORT's, use the cores.</summary>
    public int IntraOpThreads { get; init; } = 1;

    /// <summary>
    /// Where sessions run: "cpu", "cuda" (a load fails when CUDA cannot start) or "cuda,cpu" (CPU, with a warning,
    /// where CUDA cannot start). CUDA needs the GPU build (-p:OnnxRuntimeFlavor=gpu) and CUDA 12 + cuDNN 9.
    /// </summary>
    public string ExecutionProvider { get; init; } = "cpu";

    /// <summary>The GPU sessions use when <see cref="ExecutionProvider"/> includes CUDA.</summary>
    public int CudaDeviceId { get; init; }

    /// <summary>How long a failed load is remembered before a request may try again.</summary>
    public TimeSpan FailedLoadRetryAfter { get; init; } = TimeSpan.FromSeconds(30);

    public IEnumerable<string> Validate(string section)
    {
        if (MaxLoadedVersions < 1)
        {
            yield return $"{section}:{nameof(MaxLoadedVersions)} must be at least 1; got {MaxLoadedVersions}.";
        }

        if (MemoryBudgetBytes < 1)
        {
            yield return $"{section}:{nameof(MemoryBudgetBytes)} must be positive; got {MemoryBudgetBytes}.";
        }

        if (RunMemoryLimitBytes is < 0 or > uint.MaxValue)
        {
            yield return $"{section}:{nameof(RunMemoryLimitBytes)} must be between 0 (no limit) and {uint.MaxValue} (4 GiB - 1, what ONNX Runtime's arena takes); got {RunMemoryLimitBytes}.";
        }

        if (MemoryPerModelByte <= 0)
        {
            yield return $"{section}:{nameof(MemoryPerModelByte)} must be positive; got {MemoryPerModelByte}.";
        }

        if (ExecutionProviders.Problem(ExecutionProvider) is { } provider)
        {
            yield return provider;
        }

        if (CudaDeviceId < 0)
        {
            yield return $"{section}:{nameof(CudaDeviceId)} must be 0 or more; got {CudaDeviceId}.";
        }

        if (IntraOpThreads < 0)
        {
            yield return $"{section}:{nameof(IntraOpThreads)} must be 0 (ONNX Runtime chooses) or more; got {IntraOpThreads}.";
        }

        foreach (var problem in SettingsServiceCollectionExtensions.Positive(section, nameof(FailedLoadRetryAfter), FailedLoadRetryAfter))
        {
            yield return problem;
        }
    }
}
