using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using Azure;
using Cloud.Storage.Blobs;
using Google;
using Google.Cloud.Storage.V1;
using GcsObject = Google.Apis.Storage.v1.Data.Object;

namespace Cloud.Storage.GoogleStorage;

/// <summary>
/// An <see cref="IBlobStore"/> over one Google Cloud Storage folder (a bucket, or a prefix in one), through
/// Google.Cloud.Storage.V1's <see cref="StorageClient"/> (retries, Application Default Credentials). Thread-safe. An
/// object's generation is its ETag: it changes on every write, and the JSON API's generation preconditions
/// (<c>ifGenerationMatch=0</c> to create only, <c>=N</c> to replace only version N) are this interface's conditions.
/// Uploads are resumable in chunks of <see cref="GcsBlobStoreOptions.ChunkSize"/> (the object appears whole when the
/// last chunk lands); reads stream.
/// </summary>
public class GcsBlobStore : IBlobStore
{
    private readonly StorageClient _client;
    private readonly GcsLocation _location;
    private readonly GcsBlobStoreOptions _options;

    /// <summary>For mocking only.</summary>
    protected GcsBlobStore()
    {
        _client = null!;
        _location = null!;
        _options = null!;
        Description = "";
    }

    /// <summary>
    /// A store over <paramref name="location"/> through <paramref name="client"/> (one client per process, shared:
    /// <c>StorageClient.CreateAsync()</c> for Application Default Credentials, or a <see cref="StorageClientBuilder"/>).
    /// </summary>
    public GcsBlobStore(StorageClient client, GcsLocation location, GcsBlobStoreOptions? options = null)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _location = location ?? throw new ArgumentNullException(nameof(location));
        _options = options ?? new GcsBlobStoreOptions();
        Description = $"gcs:{location.Bucket}/{location.Prefix}";
    }

    /// <inheritdoc/>
    public virtual string Description { get; }

    /// <inheritdoc/>
    public virtual async Task<BlobProperties?> GetPropertiesAsync(string path, CancellationToken cancellationToken = default)
    {
        var name = ObjectName(path);
        try
        {
            var found = await _client.GetObjectAsync(_location.Bucket, name, cancellationToken: cancellationToken).ConfigureAwait(false);
            return Properties(path, found);
        }
        catch (GoogleApiException e) when (e.HttpStatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <inheritdoc/>
    public virtual async Task<BlobDownload?> OpenReadAsync(string path, CancellationToken cancellationToken = default)
    {
        var properties = await GetPropertiesAsync(path, cancellationToken).ConfigureAwait(false);
        if (properties is null)
        {
            return null;
        }

        // The client library only downloads into a stream it is handed; a reader wants one it can pull from. So one GET
        // of the media through the client's own HTTP client (its credentials and retries), pinned to the generation
        // whose properties are returned, whose body the caller reads from the network.
        // BaseUri ends in '/' for the service (…/storage/v1/) but not under STORAGE_EMULATOR_HOST (http://host:port).
        var root = _client.Service.BaseUri.EndsWith('/') ? _client.Service.BaseUri : _client.Service.BaseUri + "/";
        var media = new Uri($"{root}b/{Uri.EscapeDataString(_location.Bucket)}/o/{Uri.EscapeDataString(ObjectName(path))}?alt=media&generation={properties.ETag}");
        var response = await _client.Service.HttpClient.GetAsync(media, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            // Deleted or replaced since its properties were read: that version is gone, as if never there.
            response.Dispose();
            return null;
        }

        if (!response.IsSuccessStatusCode)
        {
            var status = response.StatusCode;
            response.Dispose();
            throw new IOException($"Reading gs://{_location.Bucket}/{ObjectName(path)} failed: the service answered {(int)status} {status}.");
        }

        return new BlobDownload(properties, await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false));
    }

    /// <inheritdoc/>
    public virtual async Task<BlobProperties?> DownloadToFileAsync(string path, string file, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(file);
        var properties = await GetPropertiesAsync(path, cancellationToken).ConfigureAwait(false);
        if (properties is null)
        {
            return null;
        }

        var output = LocalFile.CreateNew(file);
        try
        {
            await using (output.ConfigureAwait(false))
            {
                // Ranged GETs of ChunkSize in turn, each conditioned on the generation read first, so every byte is
                // of that one version; the library checks the whole file against the service's CRC32C.
                await _client.DownloadObjectAsync(_location.Bucket, ObjectName(path), output,
                    new DownloadObjectOptions { IfGenerationMatch = Generation(properties.ETag), ChunkSize = _options.ChunkSize },
                    cancellationToken).ConfigureAwait(false);
            }

            return properties;
        }
        catch (Exception error)
        {
            File.Delete(file);
            if (error is GoogleApiException { HttpStatusCode: HttpStatusCode.NotFound or HttpStatusCode.PreconditionFailed } failed)
            {
                if (await GetPropertiesAsync(path, cancellationToken).ConfigureAwait(false) is null)
                {
                    return null;
                }

                throw new StorageConflictException(StorageConflict.ETagMismatch, path,
                    $"Blob '{path}' was replaced while it was downloaded (it is no longer at generation {properties.ETag}); the partial file was deleted.", failed);
            }

            throw;
        }
    }

    /// <inheritdoc/>
    public virtual async Task<BlobProperties> PutAsync(string path, Stream content, BlobWriteConditions? conditions = null, CancellationToken cancellationToken = default)
    {
        var name = ObjectName(path);
        ArgumentNullException.ThrowIfNull(content);
        long? ifGeneration = null;
        if (conditions?.CreateOnly == true)
        {
            ifGeneration = 0; // the JSON API's "only if no live object has this name"
        }
        else if (conditions?.MatchETag is { } etag)
        {
            // An ETag that is not a generation (another backend's) cannot name a version here: refused as stale.
            ifGeneration = TryGeneration(etag) ?? throw await ReplaceConflictAsync(path, etag, null, cancellationToken).ConfigureAwait(false);
        }

        try
        {
            var written = await _client.UploadObjectAsync(_location.Bucket, name, "application/octet-stream", content,
                new UploadObjectOptions { ChunkSize = _options.ChunkSize, IfGenerationMatch = ifGeneration }, cancellationToken).ConfigureAwait(false);
            return Properties(path, written);
        }
        catch (GoogleApiException e) when (e.HttpStatusCode == HttpStatusCode.PreconditionFailed && conditions is not null)
        {
            throw conditions.CreateOnly
                ? new StorageConflictException(StorageConflict.AlreadyExists, path, $"Blob '{path}' already exists.", e)
                : await ReplaceConflictAsync(path, conditions.MatchETag!.Value, e, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public virtual async IAsyncEnumerable<BlobProperties> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        BlobPath.Validate(prefix, allowEmpty: true);
        var objects = _client.ListObjectsAsync(_location.Bucket, _location.Prefix + prefix, new ListObjectsOptions { PageSize = _options.ListPageSize });
        // The service lists in lexicographic order of the names' UTF-8 bytes, which is ordinal order for our paths.
        await foreach (var item in objects.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            yield return Properties(item.Name[_location.Prefix.Length..], item);
        }
    }

    /// <inheritdoc/>
    public virtual async Task<bool> DeleteAsync(string path, ETag? ifMatch = null, CancellationToken cancellationToken = default)
    {
        var name = ObjectName(path);
        long? ifGeneration = null;
        if (ifMatch is { } etag)
        {
            ifGeneration = TryGeneration(etag);
            if (ifGeneration is null)
            {
                return await GetPropertiesAsync(path, cancellationToken).ConfigureAwait(false) is null
                    ? false
                    : throw DeleteConflict(path, etag, null);
            }
        }

        try
        {
            await _client.DeleteObjectAsync(_location.Bucket, name, new DeleteObjectOptions { IfGenerationMatch = ifGeneration }, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (GoogleApiException e) when (e.HttpStatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
        catch (GoogleApiException e) when (e.HttpStatusCode == HttpStatusCode.PreconditionFailed)
        {
            throw DeleteConflict(path, ifMatch!.Value, e);
        }
    }

    private string ObjectName(string path) => _location.Prefix + BlobPath.Validate(path);

    private static BlobProperties Properties(string path, GcsObject found) => new(
        path,
        checked((long)(found.Size ?? 0)),
        new ETag((found.Generation ?? 0).ToString(CultureInfo.InvariantCulture)),
        found.UpdatedDateTimeOffset ?? default);

    private static long? TryGeneration(ETag etag) =>
        long.TryParse(etag.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var generation) && generation > 0 ? generation : null;

    private static long Generation(ETag etag) => TryGeneration(etag) ?? throw new InvalidOperationException($"ETag {etag} is not a generation.");

    /// <summary>An If-Match write refused: the blob is missing, or at another generation.</summary>
    private async Task<StorageConflictException> ReplaceConflictAsync(string path, ETag etag, Exception? inner, CancellationToken cancellationToken) =>
        await GetPropertiesAsync(path, cancellationToken).ConfigureAwait(false) is null
            ? new StorageConflictException(StorageConflict.NotFound, path, $"Blob '{path}' does not exist, so it cannot be replaced.", inner)
            : new StorageConflictException(StorageConflict.ETagMismatch, path, $"Blob '{path}' is no longer at ETag {etag}; it was not written.", inner);

    private static StorageConflictException DeleteConflict(string path, ETag etag, Exception? inner) =>
        new(StorageConflict.ETagMismatch, path, $"Blob '{path}' changed since ETag {etag}; it was not deleted.", inner);
}
