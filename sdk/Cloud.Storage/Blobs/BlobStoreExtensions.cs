using System.Buffers;
using System.Security.Cryptography;

namespace Cloud.Storage.Blobs;

/// <summary>Whole-blob operations built on <see cref="IBlobStore"/>, written once for every backend.</summary>
public static class BlobStoreExtensions
{
    private const int BufferSize = 1 << 20;

    /// <summary>Reads a small blob (a manifest, say) whole; null when it does not exist.</summary>
    public static async Task<byte[]?> ReadAllBytesAsync(this IBlobStore store, string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var download = await store.OpenReadAsync(path, cancellationToken).ConfigureAwait(false);
        if (download is null)
        {
            return null;
        }

        await using (download.ConfigureAwait(false))
        {
            using var buffer = new MemoryStream();
            await download.Content.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
            return buffer.ToArray();
        }
    }

    /// <summary>
    /// Downloads a blob into a new local file with <see cref="IBlobStore.DownloadToFileAsync"/> (parallel ranges where
    /// the backend has them, never the whole blob in memory), then hashes the file. Returns the lower-case hex SHA-256
    /// and the size of what was written, or null when the blob does not exist (and no file was created).
    /// </summary>
    /// <remarks>
    /// Not named DownloadToFileAsync: that name is for a store member, which would always win over an extension with the
    /// same parameters.
    /// </remarks>
    public static async Task<(string Sha256, long Size)?> DownloadAndHashAsync(this IBlobStore store, string path, string file, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (await store.DownloadToFileAsync(path, file, cancellationToken).ConfigureAwait(false) is null)
        {
            return null;
        }

        // The hash is taken from the finished file, in one sequential read, not on the way in: ranges fetched in
        // parallel arrive out of order, and the member's contract is a file, not an ordered stream (the Azure SDK
        // buffers ranges and writes them in order today, but nothing promises that of every backend or SDK version).
        // Reading the file back also hashes what is really on disk.
        var input = new FileStream(file, new FileStreamOptions
        {
            Mode = FileMode.Open,
            Access = FileAccess.Read,
            Share = FileShare.Read,
            Options = FileOptions.Asynchronous | FileOptions.SequentialScan,
            BufferSize = 0,
        });
        await using (input.ConfigureAwait(false))
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
            long size = 0;
            try
            {
                int read;
                while ((read = await input.ReadAsync(buffer.AsMemory(0, BufferSize), cancellationToken).ConfigureAwait(false)) > 0)
                {
                    hash.AppendData(buffer, 0, read);
                    size += read;
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }

            return (Convert.ToHexStringLower(hash.GetHashAndReset()), size);
        }
    }
}
