using Google.Cloud.Storage.V1;

namespace Cloud.Storage.GoogleStorage;

/// <summary>Options for <see cref="GcsBlobStore"/>: how large content is cut into upload chunks and download ranges.</summary>
public sealed class GcsBlobStoreOptions
{
    private int _chunkSize = 8 * 1024 * 1024;

    /// <summary>
    /// Bytes per request of a resumable upload and per ranged GET of a download to a file; a multiple of 256 KiB (the
    /// JSON API's rule for upload chunks). Memory held by one upload or download is about this much. Default 8 MiB.
    /// </summary>
    public int ChunkSize
    {
        get => _chunkSize;
        set => _chunkSize = value > 0 && value % UploadObjectOptions.MinimumChunkSize == 0
            ? value
            : throw new ArgumentOutOfRangeException(nameof(ChunkSize), value, $"{nameof(ChunkSize)} must be a positive multiple of {UploadObjectOptions.MinimumChunkSize} bytes.");
    }

    /// <summary>Objects per list page; null for the service's default of 1,000. Lets tests cross pages cheaply.</summary>
    internal int? ListPageSize { get; set; }
}
