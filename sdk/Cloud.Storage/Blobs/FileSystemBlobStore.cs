using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using Azure;

namespace Cloud.Storage.Blobs;

/// <summary>
/// Blobs as files under a root folder: the embedded default. Writes stream into a temporary file in the
/// store's own <c>.uploads</c> folder and are renamed into place, so readers see the old blob or the whole new one.
/// Conditional writes are checked and committed under a per-path lock; the store assumes one process writes a
/// given root (the local host), which is how it is used.
/// </summary>
public sealed class FileSystemBlobStore : IBlobStore
{
    private const string UploadFolder = ".uploads";
    private const int CopyBufferSize = 1 << 20;

    private readonly string _root;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new(StringComparer.Ordinal);

    /// <summary>Creates a store rooted at <paramref name="root"/> (created when missing).</summary>
    /// <param name="root">The folder that holds the blobs.</param>
    /// <param name="timeProvider">The clock that stamps LastModified (the system clock when null).</param>
    public FileSystemBlobStore(string root, TimeProvider? timeProvider = null)
    {
        _root = Path.GetFullPath(root);
        _time = timeProvider ?? TimeProvider.System;
        Directory.CreateDirectory(Path.Combine(_root, UploadFolder));
    }

    /// <inheritdoc/>
    public string Description => $"file:{_root}";

    /// <inheritdoc/>
    public Task<BlobProperties?> GetPropertiesAsync(string path, CancellationToken cancellationToken = default)
    {
        var file = FileFor(path);
        return Task.FromResult(file.Exists ? Properties(path, file) : null);
    }

    /// <inheritdoc/>
    public Task<BlobDownload?> OpenReadAsync(string path, CancellationToken cancellationToken = default)
    {
        var file = FileFor(path);
        try
        {
            // Open first, then read properties from the open handle's file: a rename that replaces the blob
            // afterwards leaves this stream on the old content, which is what its properties describe.
            var stream = new FileStream(file.FullName, new FileStreamOptions
            {
                Mode = FileMode.Open,
                Access = FileAccess.Read,
                Share = FileShare.Read | FileShare.Delete,
                Options = FileOptions.Asynchronous | FileOptions.SequentialScan,
                BufferSize = 0,
            });
            file.Refresh();
            return Task.FromResult<BlobDownload?>(new BlobDownload(Properties(path, file), stream));
        }
        catch (Exception error) when (error is FileNotFoundException or DirectoryNotFoundException)
        {
            return Task.FromResult<BlobDownload?>(null);
        }
    }

    /// <inheritdoc/>
    public async Task<BlobProperties?> DownloadToFileAsync(string path, string file, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(file);

        // A plain streaming copy: a local disk gains nothing from parallel ranges. OpenReadAsync's handle keeps this
        // copy on the version its properties describe even if a write renames a new one into place meanwhile.
        var download = await OpenReadAsync(path, cancellationToken).ConfigureAwait(false);
        if (download is null)
        {
            return null;
        }

        await using (download.ConfigureAwait(false))
        {
            var output = LocalFile.CreateNew(file);
            try
            {
                await using (output.ConfigureAwait(false))
                {
                    await download.Content.CopyToAsync(output, CopyBufferSize, cancellationToken).ConfigureAwait(false);
                }
            }
            catch
            {
                // A half-written file must not remain, whatever stopped the copy.
                File.Delete(file);
                throw;
            }

            return download.Properties;
        }
    }

    /// <inheritdoc/>
    public async Task<BlobProperties> PutAsync(string path, Stream content, BlobWriteConditions? conditions = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var target = FileFor(path);
        var temporary = Path.Combine(_root, UploadFolder, Guid.NewGuid().ToString("N"));
        try
        {
            // Stream the content first (outside the lock: uploads can take minutes), then check and commit.
            await CopyToFileAsync(content, temporary, cancellationToken).ConfigureAwait(false);
            var gate = _locks.GetOrAdd(path, _ => new SemaphoreSlim(1, 1));
            await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                target.Refresh();
                CheckConditions(path, target, conditions);
                Directory.CreateDirectory(target.DirectoryName!);
                var previousWrite = target.Exists ? target.LastWriteTimeUtc : DateTime.MinValue;
                File.Move(temporary, target.FullName, overwrite: true);

                // LastModified comes from our clock (so it agrees with the rest of the host), and the ETag is derived
                // from it: make sure it moves forward even when two writes land in the same tick, so every write
                // gets a new ETag.
                var stamp = _time.GetUtcNow().UtcDateTime;
                if (stamp <= previousWrite)
                {
                    stamp = previousWrite.AddTicks(1);
                }

                File.SetLastWriteTimeUtc(target.FullName, stamp);
                var written = new FileInfo(target.FullName);
                return Properties(path, written);
            }
            finally
            {
                gate.Release();
            }
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<BlobProperties> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        BlobPath.Validate(prefix, allowEmpty: true);
        var paths = new List<(string Path, FileInfo File)>();
        var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = 0 };
        foreach (var file in new DirectoryInfo(_root).EnumerateFiles("*", options))
        {
            var relative = Path.GetRelativePath(_root, file.FullName).Replace(Path.DirectorySeparatorChar, '/');
            if (!relative.StartsWith(UploadFolder + "/", StringComparison.Ordinal) && relative.StartsWith(prefix, StringComparison.Ordinal))
            {
                paths.Add((relative, file));
            }
        }

        paths.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        foreach (var (path, file) in paths)
        {
            cancellationToken.ThrowIfCancellationRequested();
            file.Refresh();
            if (file.Exists)
            {
                yield return Properties(path, file);
            }
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<bool> DeleteAsync(string path, ETag? ifMatch = null, CancellationToken cancellationToken = default)
    {
        var target = FileFor(path);
        var gate = _locks.GetOrAdd(path, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            target.Refresh();
            if (!target.Exists)
            {
                return false;
            }

            if (ifMatch is { } etag && etag != ETag.All && etag != ETagOf(target))
            {
                throw new StorageConflictException(StorageConflict.ETagMismatch, path, $"Blob '{path}' changed since ETag {etag} was read.");
            }

            target.Delete();
            return true;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// Deletes what writes left in the store's <c>.uploads</c> folder when their process died (a killed host leaves the
    /// partial file of an upload it was receiving): every temporary file last written before <paramref name="writtenBefore"/>.
    /// A write in progress touches its file with every chunk, so an age that no live upload reaches between two chunks
    /// tells the abandoned from the live even when several processes share the folder. Returns how many were deleted.
    /// </summary>
    /// <param name="writtenBefore">Temporary files last written before this moment are abandoned.</param>
    public int DeleteAbandonedUploads(DateTimeOffset writtenBefore)
    {
        var deleted = 0;
        foreach (var file in new DirectoryInfo(Path.Combine(_root, UploadFolder)).EnumerateFiles())
        {
            if (file.LastWriteTimeUtc >= writtenBefore.UtcDateTime)
            {
                continue;
            }

            try
            {
                file.Delete();
                deleted++;
            }
            catch (Exception error) when (error is IOException or UnauthorizedAccessException)
            {
                // Still open somewhere (Windows refuses to delete it): not abandoned after all.
            }
        }

        return deleted;
    }

    private static void CheckConditions(string path, FileInfo target, BlobWriteConditions? conditions)
    {
        if (conditions is null)
        {
            return;
        }

        if (conditions.CreateOnly && target.Exists)
        {
            throw new StorageConflictException(StorageConflict.AlreadyExists, path, $"Blob '{path}' already exists.");
        }

        if (conditions.MatchETag is { } etag && etag != ETag.All)
        {
            if (!target.Exists)
            {
                throw new StorageConflictException(StorageConflict.NotFound, path, $"Blob '{path}' does not exist, so it cannot match ETag {etag}.");
            }

            if (ETagOf(target) != etag)
            {
                throw new StorageConflictException(StorageConflict.ETagMismatch, path, $"Blob '{path}' changed since ETag {etag} was read.");
            }
        }
    }

    private static async Task CopyToFileAsync(Stream content, string file, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
        try
        {
            await using var output = new FileStream(file, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0, FileOptions.Asynchronous);
            int read;
            while ((read = await content.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            }

            await output.FlushAsync(cancellationToken).ConfigureAwait(false);
            output.Flush(flushToDisk: true);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private FileInfo FileFor(string path)
    {
        BlobPath.Validate(path);
        if (path == UploadFolder || path.StartsWith(UploadFolder + "/", StringComparison.Ordinal))
        {
            throw new ArgumentException($"Blob paths under '{UploadFolder}/' are reserved for uploads in progress.", nameof(path));
        }

        var full = Path.GetFullPath(Path.Combine(_root, path));
        // BlobPath already refuses '..' segments; this is the belt to its braces.
        if (!full.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Blob path '{path}' resolves outside the store.", nameof(path));
        }

        return new FileInfo(full);
    }

    private static BlobProperties Properties(string path, FileInfo file) =>
        new(path, file.Length, ETagOf(file), new DateTimeOffset(file.LastWriteTimeUtc, TimeSpan.Zero));

    private static ETag ETagOf(FileInfo file) =>
        new(string.Create(CultureInfo.InvariantCulture, $"\"0x{file.LastWriteTimeUtc.Ticks:X}-{file.Length:X}\""));
}
