using Azure.Core;

namespace Cloud.Storage.AzureStorage;

/// <summary>Options for <see cref="AzureBlobStore"/>: retries, transport and diagnostics (from <see cref="ClientOptions"/>) and upload sizes.</summary>
public sealed class AzureBlobStoreOptions : ClientOptions
{
    /// <summary>The Blob service REST version this client speaks; Azure and Azurite 3.33+ both accept it.</summary>
    internal const string ServiceVersion = "2024-11-04";

    // One block is held in memory per upload, so the bound is about memory, not the service's 4,000 MiB block limit.
    private const int MaxBufferedBytes = 256 * 1024 * 1024;

    private int _singleUploadThreshold = 4 * 1024 * 1024;
    private int _blockSize = 8 * 1024 * 1024;

    /// <summary>
    /// Content up to this many bytes is sent as one Put Blob; anything longer as blocks and a Put Block List.
    /// Default 4 MiB.
    /// </summary>
    public int SingleUploadThreshold
    {
        get => _singleUploadThreshold;
        set => _singleUploadThreshold = InRange(value, 0, MaxBufferedBytes, nameof(SingleUploadThreshold));
    }

    /// <summary>The size of each block of a block upload, read from the caller's stream one at a time. Default 8 MiB.</summary>
    public int BlockSize
    {
        get => _blockSize;
        set => _blockSize = InRange(value, 1, MaxBufferedBytes, nameof(BlockSize));
    }

    /// <summary>Blobs per List Blobs page (maxresults); null for the service's default of 5,000. Lets tests cross pages cheaply.</summary>
    internal int? ListPageSize { get; set; }

    private static int InRange(int value, int min, int max, string name) =>
        value >= min && value <= max ? value : throw new ArgumentOutOfRangeException(name, value, $"{name} must be between {min} and {max} bytes.");
}
