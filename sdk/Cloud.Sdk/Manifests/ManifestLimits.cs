namespace Cloud.Sdk.Manifests;

/// <summary>
/// Bounds on a manifest and its values. They keep a manifest small enough to read in one piece and store on a
/// version row, and every number inside a range the serving and validation code can act on.
/// </summary>
public static class ManifestLimits
{
    /// <summary>The largest manifest, in bytes (64 KiB): far above any real one, well below a table row's limit.</summary>
    public const int MaxManifestBytes = 64 * 1024;

    /// <summary>The longest version string, in characters.</summary>
    public const int MaxVersionLength = 128;

    /// <summary>The longest file name (<c>modelFile</c>, each segment of <c>validation.dataset</c> and <c>warmUp</c>), in UTF-8 bytes, as on common file systems.</summary>
    public const int MaxFileNameBytes = 255;

    /// <summary>The longest relative path a manifest names (<c>validation.dataset</c>, <c>warmUp</c>), in UTF-8 bytes.</summary>
    public const int MaxDatasetPathBytes = 1024;

    /// <summary>The largest <c>maxBatchSize</c>, allowed batch size and <c>minParallelBatchSize</c>.</summary>
    public const int MaxBatchSize = 65536;

    /// <summary>The longest <c>batchTimeoutMs</c>: a minute; an online batcher that waits longer is a mistake.</summary>
    public const int MaxBatchTimeoutMs = 60_000;

    /// <summary>The largest <c>numBatchThreads</c>.</summary>
    public const int MaxBatchThreads = 1024;

    /// <summary>The largest <c>maxEnqueuedBatches</c>.</summary>
    public const int MaxEnqueuedBatches = 1_000_000;

    /// <summary>The most tags.</summary>
    public const int MaxTags = 64;

    /// <summary>The longest tag key, in characters.</summary>
    public const int MaxTagKeyLength = 63;

    /// <summary>The longest tag value, in characters.</summary>
    public const int MaxTagValueLength = 256;

    /// <summary>The longest <c>promotion.afterSoak.soakMinutes</c>: a week, longer than any canary should wait.</summary>
    public const int MaxSoakMinutes = 7 * 24 * 60;

    /// <summary>The largest <c>promotion.afterSoak.minRequests</c>.</summary>
    public const long MaxSoakRequests = 1_000_000_000;
}
