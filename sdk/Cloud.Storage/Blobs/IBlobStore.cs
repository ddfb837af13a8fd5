using Azure;

namespace Cloud.Storage.Blobs;

/// <summary>
/// A flat namespace of blobs in one container, addressed by '/'-separated paths ("iris/1.0.0/model.json").
/// Implementations are thread-safe. Content always streams: nothing here buffers a whole blob in memory.
/// </summary>
public interface IBlobStore
{
    /// <summary>A name for logs and messages, e.g. "file:/data/models" or "azure:account/models".</summary>
    string Description { get; }

    /// <summary>The blob's properties, or null when it does not exist.</summary>
    Task<BlobProperties?> GetPropertiesAsync(string path, CancellationToken cancellationToken = default);

    /// <summary>Opens the blob for reading, or returns null when it does not exist. Dispose the result.</summary>
    Task<BlobDownload?> OpenReadAsync(string path, CancellationToken cancellationToken = default);

    /// <summary>
    /// Downloads the blob into a new local file <paramref name="file"/> (its folder is created; an existing file is never
    /// overwritten: that throws <see cref="IOException"/>). Backends that can fetch ranges in parallel do (Azure: ranges
    /// of <c>AzureBlobStoreOptions.BlockSize</c>, <c>MaximumConcurrency</c> at once), and none reads the blob into
    /// memory. Every byte comes from one version of the blob, never a mix: the filesystem copies one open file, which a
    /// replacing write does not touch; Azure pins every range to the ETag read first, and a blob replaced mid-way throws
    /// <see cref="StorageConflictException"/> (<see cref="StorageConflict.ETagMismatch"/>). Returns the properties of the
    /// version written (read when the download started, ETag included), or null when the blob does not exist (then no
    /// file is created). A download that fails deletes the file it was writing. The file is written in place: callers
    /// that publish it download to a temporary name and rename it when this returns.
    /// </summary>
    Task<BlobProperties?> DownloadToFileAsync(string path, string file, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes a blob from a stream (read to its end, never buffered whole). With <see cref="BlobWriteConditions.IfNoneMatchAny"/>
    /// it only creates; with <see cref="BlobWriteConditions.IfMatch"/> it only replaces that version. A refused condition
    /// throws <see cref="StorageConflictException"/> (If-Match on a missing blob is NotFound or ETagMismatch depending on the
    /// backend: Azure answers either). A reader never sees a half-written blob.
    /// </summary>
    Task<BlobProperties> PutAsync(string path, Stream content, BlobWriteConditions? conditions = null, CancellationToken cancellationToken = default);

    /// <summary>Lists blobs whose path starts with <paramref name="prefix"/> ("" for all), in ordinal path order.</summary>
    IAsyncEnumerable<BlobProperties> ListAsync(string prefix, CancellationToken cancellationToken = default);

    /// <summary>Deletes a blob; false when it did not exist. With <paramref name="ifMatch"/>, only that version.</summary>
    Task<bool> DeleteAsync(string path, ETag? ifMatch = null, CancellationToken cancellationToken = default);
}
