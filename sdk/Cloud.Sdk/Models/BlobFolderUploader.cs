using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;

namespace Cloud.Sdk.Models;

/// <summary>
/// Uploads a model folder straight into the models container as block blobs: blocks staged in parallel, each file
/// committed when all its blocks are in, model.json last. Resumable: a block's id is its index and the SHA-256 of its
/// bytes, so after an interruption the blocks already staged (storage keeps uncommitted blocks for a week) and the
/// files already committed with the same content are found and not sent again.
/// </summary>
internal sealed class BlobFolderUploader(BlobContainerClient container, PushOptions options)
{
    private long _done;
    private long _sent;
    private long _resumed;

    public long BytesSent => _sent;

    public long BytesResumed => _resumed;

    public async Task UploadAsync(ModelFolder folder, CancellationToken cancellationToken)
    {
        if (options.BlockSize < 1 || options.Parallelism < 1)
        {
            throw new InvalidOperationException($"PushOptions.BlockSize and PushOptions.Parallelism must be at least 1; got {options.BlockSize} and {options.Parallelism}.");
        }

        var prefix = $"{folder.Manifest.Name}/{folder.Manifest.Version}/";
        foreach (var file in folder.Files.Append(folder.ManifestFile))
        {
            await UploadFileAsync(container.GetBlockBlobClient(prefix + file.Name), file, folder.TotalBytes, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task UploadFileAsync(BlockBlobClient blob, FileInfo file, long totalBytes, CancellationToken cancellationToken)
    {
        var blockCount = (int)Math.Max(1, (file.Length + options.BlockSize - 1) / options.BlockSize);
        var ids = new string[blockCount];
        var (committed, uncommitted) = await ExistingBlocksAsync(blob, cancellationToken).ConfigureAwait(false);

        // Hash every block first: the ids say whether storage holds it already, and a changed file gets new ids.
        await using (var stream = new FileStream(file.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan))
        {
            var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(options.BlockSize, Math.Max(file.Length, 1)));
            try
            {
                for (var i = 0; i < blockCount; i++)
                {
                    var length = (int)Math.Min(options.BlockSize, file.Length - ((long)i * options.BlockSize));
                    await stream.ReadExactlyAsync(buffer.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
                    ids[i] = BlockId(i, SHA256.HashData(buffer.AsSpan(0, length)));
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        if (committed.SequenceEqual(ids))
        {
            Advance(file, file.Length, totalBytes, resumed: true);
            return;
        }

        await Parallel.ForEachAsync(Enumerable.Range(0, blockCount), new ParallelOptions { MaxDegreeOfParallelism = options.Parallelism, CancellationToken = cancellationToken }, async (i, token) =>
        {
            var offset = (long)i * options.BlockSize;
            var length = (int)Math.Min(options.BlockSize, file.Length - offset);
            if (uncommitted.Contains(ids[i]))
            {
                Advance(file, length, totalBytes, resumed: true);
                return;
            }

            var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(length, 1));
            try
            {
                await using (var stream = new FileStream(file.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous))
                {
                    stream.Position = offset;
                    await stream.ReadExactlyAsync(buffer.AsMemory(0, length), token).ConfigureAwait(false);
                }

                using var content = new MemoryStream(buffer, 0, length, writable: false);
                await blob.StageBlockAsync(ids[i], content, new BlockBlobStageBlockOptions(), token).ConfigureAwait(false);
                Advance(file, length, totalBytes, resumed: false);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }).ConfigureAwait(false);

        await blob.CommitBlockListAsync(ids, new CommitBlockListOptions(), cancellationToken).ConfigureAwait(false);
    }

    private static async Task<(string[] Committed, HashSet<string> Uncommitted)> ExistingBlocksAsync(BlockBlobClient blob, CancellationToken cancellationToken)
    {
        try
        {
            BlockList list = await blob.GetBlockListAsync(BlockListTypes.All, cancellationToken: cancellationToken).ConfigureAwait(false);
            return (list.CommittedBlocks.Select(b => b.Name).ToArray(), list.UncommittedBlocks.Select(b => b.Name).ToHashSet(StringComparer.Ordinal));
        }
        catch (RequestFailedException error) when (error.ErrorCode == BlobErrorCode.BlobNotFound || error.ErrorCode == BlobErrorCode.ContainerNotFound)
        {
            return ([], []);
        }
    }

    /// <summary>Every id of a blob must have the same length: 6 digits of index and 32 hex digits of the block's SHA-256.</summary>
    private static string BlockId(int index, byte[] sha256) =>
        Convert.ToBase64String(Encoding.ASCII.GetBytes($"{index:D6}-{Convert.ToHexStringLower(sha256.AsSpan(0, 16))}"));

    private void Advance(FileInfo file, long bytes, long totalBytes, bool resumed)
    {
        if (resumed)
        {
            Interlocked.Add(ref _resumed, bytes);
        }
        else
        {
            Interlocked.Add(ref _sent, bytes);
        }

        options.Progress?.Report(new PushProgress(file.Name, Interlocked.Add(ref _done, bytes), totalBytes));
    }
}
