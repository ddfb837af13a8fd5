namespace Cloud.Serving.Models;

/// <summary>Where a version is in the cache.</summary>
internal enum ModelLoadState
{
    /// <summary>Being downloaded, verified, loaded or warmed up.</summary>
    Loading,
    /// <summary>Loaded and warmed up: taking traffic.</summary>
    Available,
    /// <summary>The last load failed (see the error); retried after a while.</summary>
    Failed,
}

/// <summary>One version's cache entry as the status API shows it.</summary>
internal sealed record ModelLoadStatus(
    string Model,
    string Version,
    ModelLoadState State,
    string? Error,
    DateTimeOffset Since,
    long EstimatedBytes,
    Batching.BatchStatistics? Batching,
    WarmUpReport? WarmUp = null);
