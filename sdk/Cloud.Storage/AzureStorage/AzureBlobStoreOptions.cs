using Azure.Storage;
using Azure.Storage.Blobs;

namespace Cloud.Storage.AzureStorage;

/// <summary>
/// Options for <see cref="AzureBlobStore"/>: how large content is cut into blocks (uploads) and ranges (downloads to a
/// file), and the SDK's client options (retries, transport, diagnostics).
/// </summary>
public sealed class AzureBlobStoreOptions
{
    // Each upload holds up to MaximumConcurrency blocks in memory at once, so the bound is about memory, not the
    // service's 4,000 MiB block limit. It is also the SDK's cap on one download range (256 MiB).
    private const int MaxBufferedBytes = 256 * 1024 * 1024;

    private int _singleUploadThreshold = 4 * 1024 * 1024;
    private int _blockSize = 8 * 1024 * 1024;
    private int _maximumConcurrency = 4;

    /// <summary>
    /// Content up to this many bytes is sent as one Put Blob; anything longer goes as staged blocks and one commit.
    /// Default 4 MiB.
    /// </summary>
    public int SingleUploadThreshold
    {
        get => _singleUploadThreshold;
        set => _singleUploadThreshold = InRange(value, 1, MaxBufferedBytes, nameof(SingleUploadThreshold));
    }

    /// <summary>
    /// The size of each block of a block upload, and of each ranged GET when a blob is downloaded to a file (the first
    /// range included). Default 8 MiB.
    /// </summary>
    public int BlockSize
    {
        get => _blockSize;
        set => _blockSize = InRange(value, 1, MaxBufferedBytes, nameof(BlockSize));
    }

    /// <summary>
    /// Blocks uploaded, or ranges downloaded, at once. Memory held by one upload or download to a file is about
    /// <see cref="BlockSize"/> times this. Default 4.
    /// </summary>
    public int MaximumConcurrency
    {
        get => _maximumConcurrency;
        set => _maximumConcurrency = InRange(value, 1, 64, nameof(MaximumConcurrency));
    }

    /// <summary>The Azure SDK's client options: retries, transport, diagnostics, service version.</summary>
    public BlobClientOptions ClientOptions { get; set; } = new();

    /// <summary>Blobs per List Blobs page; null for the service's default of 5,000. Lets tests cross pages cheaply.</summary>
    internal int? ListPageSize { get; set; }

    internal StorageTransferOptions TransferOptions => new()
    {
        InitialTransferSize = _singleUploadThreshold,
        MaximumTransferSize = _blockSize,
        MaximumConcurrency = _maximumConcurrency,
    };

    // Downloads to a file reuse the block size for every range, the first one too, rather than SingleUploadThreshold:
    // that threshold answers "one Put Blob or blocks?", which has no download counterpart. The first range is the probe
    // that learns the blob's length (a small blob arrives whole in it); giving it the same size as the rest keeps one
    // knob for "bytes per request", and keeps a download's bytes in flight at about BlockSize x MaximumConcurrency,
    // the same bound an upload has.
    internal StorageTransferOptions DownloadTransferOptions => new()
    {
        InitialTransferSize = _blockSize,
        MaximumTransferSize = _blockSize,
        MaximumConcurrency = _maximumConcurrency,
    };

    private static int InRange(int value, int min, int max, string name) =>
        value >= min && value <= max ? value : throw new ArgumentOutOfRangeException(name, value, $"{name} must be between {min} and {max}.");
}
