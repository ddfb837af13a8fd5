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
    /// Streams a blob into a new local file and hashes it on the way, so a large model costs one pass and one pooled
    /// buffer. Returns the lower-case hex SHA-256 and the size, or null when the blob does not exist.
    /// </summary>
    /// <remarks>
    /// Not named DownloadToFileAsync: that name is for a store member, which would always win over an extension with the
    /// same parameters.
    /// </remarks>
    public static async Task<(string Sha256, long Size)?> DownloadAndHashAsync(this IBlobStore store, string path, string file, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var download = await store.OpenReadAsync(path, cancellationToken).ConfigureAwait(false);
        if (download is null)
        {
            return null;
        }

        await using (download.ConfigureAwait(false))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
            long size = 0;
            try
            {
                var output = new FileStream(file, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0, FileOptions.Asynchronous);
                await using (output.ConfigureAwait(false))
                {
                    int read;
                    while ((read = await download.Content.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                    {
                        hash.AppendData(buffer, 0, read);
                        await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                        size += read;
                    }
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
