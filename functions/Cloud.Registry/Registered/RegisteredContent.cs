using System.Security.Cryptography;
using Cloud.Storage;
using Cloud.Storage.Blobs;

namespace Cloud.Registry.Registered;

/// <summary>
/// The registered copies: every file a registered version is served from (its manifest, model file, warm-up example and
/// validation dataset), written by registration into the registered container under their SHA-256 (<c>sha256/{hash}</c>)
/// and read from there by serving and evaluation. Uploads land in the models container, which the store scanner and the
/// blob trigger watch; nothing but registration writes here, and a name is its bytes' hash, so no upload can change
/// what a registered version serves (docs/registry.md says why copies rather than blob snapshots).
/// </summary>
/// <remarks>
/// A copy is only ever created, never replaced by other bytes: registration retried after a crash writes the same bytes
/// under the same name again, which changes nothing. Both backends commit a blob whole or not at all (a rename; a block
/// list), so a half-written copy cannot be read; every read still checks the hash, as the model cache always has.
/// </remarks>
internal sealed class RegisteredContent(IBlobStore store)
{
    /// <summary>Where the copy of bytes with this SHA-256 lives in the registered container.</summary>
    public static string PathOf(string sha256) => $"sha256/{sha256}";

    /// <summary>Copies a local file whose SHA-256 the caller took (registration's work copy of a model file or dataset).</summary>
    public async Task PutFileAsync(string sha256, string file, CancellationToken cancellationToken)
    {
        var content = File.OpenRead(file);
        await using (content.ConfigureAwait(false))
        {
            await PutAsync(sha256, content, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Copies bytes read whole (a manifest, a warm-up example) whose SHA-256 the caller took.</summary>
    public Task PutBytesAsync(string sha256, byte[] bytes, CancellationToken cancellationToken) =>
        PutAsync(sha256, new MemoryStream(bytes, writable: false), cancellationToken);

    /// <summary>A small file of the version (a manifest, a warm-up example), whole and checked; null when the version has no such file or its copy is gone.</summary>
    /// <exception cref="InvalidDataException">The copy's bytes are not the registered ones.</exception>
    public async Task<byte[]?> ReadAllBytesAsync(RegisteredFiles files, string name, CancellationToken cancellationToken = default)
    {
        if (files.Sha256Of(name) is not { } sha256)
        {
            return null;
        }

        var bytes = await store.ReadAllBytesAsync(PathOf(sha256), cancellationToken).ConfigureAwait(false);
        if (bytes is not null)
        {
            Verify(files, name, sha256, Convert.ToHexStringLower(SHA256.HashData(bytes)));
        }

        return bytes;
    }

    /// <summary>
    /// Downloads a file of the version into a new local file, checked; false when the version has no such file or its
    /// copy is gone (no file is left then, nor when the check fails).
    /// </summary>
    /// <exception cref="InvalidDataException">The copy's bytes are not the registered ones.</exception>
    public async Task<bool> DownloadAsync(RegisteredFiles files, string name, string file, CancellationToken cancellationToken = default)
    {
        if (files.Sha256Of(name) is not { } sha256
            || await store.DownloadAndHashAsync(PathOf(sha256), file, cancellationToken).ConfigureAwait(false) is not var (actual, _))
        {
            return false;
        }

        try
        {
            Verify(files, name, sha256, actual);
            return true;
        }
        catch
        {
            File.Delete(file);
            throw;
        }
    }

    /// <summary>
    /// A file of the version to stream (the warm-up reads one row of a dataset, so it is not read whole or checked); null
    /// when the version has no such file or its copy is gone.
    /// </summary>
    public async Task<BlobDownload?> OpenReadAsync(RegisteredFiles files, string name, CancellationToken cancellationToken = default) =>
        files.Sha256Of(name) is { } sha256 ? await store.OpenReadAsync(PathOf(sha256), cancellationToken).ConfigureAwait(false) : null;

    private async Task PutAsync(string sha256, Stream content, CancellationToken cancellationToken)
    {
        var path = PathOf(sha256);
        var existing = await store.GetPropertiesAsync(path, cancellationToken).ConfigureAwait(false);
        if (existing is not null && existing.Size == content.Length)
        {
            // Written before: by this registration before a crash, or by another version with the same bytes.
            return;
        }

        try
        {
            // Create, or replace exactly the wrong-sized blob just seen (not registration's: its copies have their
            // hash's size), never a copy another registration made meanwhile.
            await store.PutAsync(path, content, existing is null ? BlobWriteConditions.IfNoneMatchAny : BlobWriteConditions.IfMatch(existing.ETag),
                cancellationToken).ConfigureAwait(false);
        }
        catch (StorageConflictException)
        {
            // Another registration wrote it first; its bytes have this hash too (and every read checks that).
        }
    }

    private static void Verify(RegisteredFiles files, string name, string registered, string actual)
    {
        if (actual != registered)
        {
            throw new InvalidDataException(
                $"The registered copy of {files.DisplayPath(name)} has SHA-256 {actual}, but {registered} was registered: the copy ({PathOf(registered)}) was changed in the registered container.");
        }
    }
}
