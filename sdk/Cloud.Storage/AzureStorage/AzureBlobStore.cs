using System.Runtime.CompilerServices;
using Azure;
using Azure.Core;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Cloud.Storage.Blobs;
using BlobProperties = Cloud.Storage.Blobs.BlobProperties;

namespace Cloud.Storage.AzureStorage;

/// <summary>
/// An <see cref="IBlobStore"/> over one Azure Blob Storage container, through the Azure SDK's
/// <see cref="BlobContainerClient"/> (retries, diagnostics, Shared Key / SAS / Entra ID authentication). Works against
/// Azure and Azurite alike. Thread-safe. Content streams both ways: uploads go as blocks of
/// <see cref="AzureBlobStoreOptions.BlockSize"/>, a few at a time; <see cref="OpenReadAsync"/> hands back the network
/// stream, and <see cref="DownloadToFileAsync"/> fetches ranges of the same size, a few at a time, into a file.
/// </summary>
public class AzureBlobStore : IBlobStore
{
    private readonly BlobContainerClient _container;
    private readonly AzureBlobStoreOptions _options;

    /// <summary>For mocking only.</summary>
    protected AzureBlobStore()
    {
        _container = null!;
        _options = null!;
        Description = "";
    }

    /// <summary>
    /// A store for <paramref name="containerName"/> in the account a connection string names: an account key, a SAS
    /// (<c>SharedAccessSignature=</c>), or <c>UseDevelopmentStorage=true</c> for Azurite.
    /// </summary>
    public AzureBlobStore(string connectionString, string containerName, AzureBlobStoreOptions? options = null)
        : this(options, o => new BlobContainerClient(
            connectionString ?? throw new ArgumentNullException(nameof(connectionString)),
            ValidateContainerName(containerName, nameof(containerName)),
            o.ClientOptions))
    {
    }

    /// <summary>
    /// A store for the container at <paramref name="containerUri"/> (e.g. https://account.blob.core.windows.net/models),
    /// authenticated with an Entra ID token (<c>DefaultAzureCredential</c>, managed identity...). Tokens are only sent
    /// over https.
    /// </summary>
    public AzureBlobStore(Uri containerUri, TokenCredential credential, AzureBlobStoreOptions? options = null)
        : this(options, o => new BlobContainerClient(
            CheckUri(containerUri, allowQuery: false, nameof(containerUri)),
            credential ?? throw new ArgumentNullException(nameof(credential)),
            o.ClientOptions))
    {
    }

    /// <summary>
    /// A store for the container at <paramref name="containerSasUri"/>, a container URI whose query is a SAS token
    /// (e.g. https://account.blob.core.windows.net/models?sv=...&amp;sig=...).
    /// </summary>
    public AzureBlobStore(Uri containerSasUri, AzureBlobStoreOptions? options = null)
        : this(options, o => new BlobContainerClient(CheckUri(containerSasUri, allowQuery: true, nameof(containerSasUri)), o.ClientOptions))
    {
    }

    /// <summary>
    /// A store over a container client the caller built (e.g. from a <see cref="BlobServiceClient"/> shared by several
    /// stores). <see cref="AzureBlobStoreOptions.ClientOptions"/> is not used: the client already has its own.
    /// </summary>
    public AzureBlobStore(BlobContainerClient container, AzureBlobStoreOptions? options = null)
        : this(options, _ => container ?? throw new ArgumentNullException(nameof(container)))
    {
    }

    private AzureBlobStore(AzureBlobStoreOptions? options, Func<AzureBlobStoreOptions, BlobContainerClient> createClient)
    {
        _options = options ?? new AzureBlobStoreOptions();
        _container = createClient(_options);
        ValidateContainerName(_container.Name, "container");
        Description = $"azure:{_container.AccountName}/{_container.Name}";
    }

    /// <inheritdoc/>
    public virtual string Description { get; }

    /// <summary>The container's URI (without any SAS).</summary>
    public virtual Uri ContainerUri => new(_container.Uri.GetLeftPart(UriPartial.Path));

    /// <summary>Creates the container unless it exists; true when this call created it.</summary>
    public virtual async Task<bool> CreateContainerIfNotExistsAsync(CancellationToken cancellationToken = default)
    {
        // The SDK answers null when the container was already there.
        var created = await _container.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        return created is not null;
    }

    /// <inheritdoc/>
    public virtual async Task<BlobProperties?> GetPropertiesAsync(string path, CancellationToken cancellationToken = default)
    {
        var blob = Blob(path);
        try
        {
            Azure.Storage.Blobs.Models.BlobProperties properties = await blob.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            return new BlobProperties(path, properties.ContentLength, Unquoted(properties.ETag), properties.LastModified);
        }
        catch (RequestFailedException e) when (e.ErrorCode == BlobErrorCode.BlobNotFound)
        {
            return null;
        }
    }

    /// <inheritdoc/>
    public virtual async Task<BlobDownload?> OpenReadAsync(string path, CancellationToken cancellationToken = default)
    {
        var blob = Blob(path);
        try
        {
            // One GET whose body the caller reads from the network; the SDK resumes it from where it broke off
            // (pinned to this ETag) when the connection drops, so nothing is buffered whole.
            BlobDownloadStreamingResult download = await blob.DownloadStreamingAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            var details = download.Details;
            return new BlobDownload(new BlobProperties(path, details.ContentLength, Unquoted(details.ETag), details.LastModified), download.Content);
        }
        catch (RequestFailedException e) when (e.ErrorCode == BlobErrorCode.BlobNotFound)
        {
            return null;
        }
    }

    /// <inheritdoc/>
    public virtual async Task<BlobProperties?> DownloadToFileAsync(string path, string file, CancellationToken cancellationToken = default)
    {
        var blob = Blob(path);
        ArgumentException.ThrowIfNullOrEmpty(file);

        // Properties first, so the caller learns which version it got before any byte is written, and a missing blob
        // creates no file. Their ETag then conditions every range (the SDK would otherwise pin the later ranges to
        // whatever its first range found, and that could already be a newer version than these properties describe).
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
                // The SDK streams the first range into the file and learns the length from it, then keeps up to
                // MaximumConcurrency ranged GETs in flight, each read into a pooled buffer of BlockSize bytes and written
                // to the file in order: memory is about BlockSize x MaximumConcurrency, whatever the blob's size.
                await blob.DownloadToAsync(
                    output,
                    new BlobDownloadToOptions
                    {
                        TransferOptions = _options.DownloadTransferOptions,
                        Conditions = new BlobRequestConditions { IfMatch = properties.ETag },
                    },
                    cancellationToken).ConfigureAwait(false);
            }

            return properties;
        }
        catch (Exception error)
        {
            // Whatever stopped it (a replaced blob, the network, cancellation), a half-written file must not remain.
            File.Delete(file);
            if (error is RequestFailedException { ErrorCode: var code } failed)
            {
                if (code == BlobErrorCode.BlobNotFound)
                {
                    // Deleted since its properties were read: as missing as if it had never been there.
                    return null;
                }

                // A deleted blob fails If-Match too (Azurite answers 412 where Azure may answer 404): tell the two apart.
                if (code == BlobErrorCode.ConditionNotMet
                    && await GetPropertiesAsync(path, cancellationToken).ConfigureAwait(false) is null)
                {
                    return null;
                }

                if (code == BlobErrorCode.ConditionNotMet)
                {
                    throw new StorageConflictException(
                        StorageConflict.ETagMismatch,
                        path,
                        $"Blob '{path}' was replaced while it was downloaded (it is no longer at ETag {properties.ETag}); the partial file was deleted.",
                        failed);
                }
            }

            throw;
        }
    }

    /// <inheritdoc/>
    public virtual async Task<BlobProperties> PutAsync(string path, Stream content, BlobWriteConditions? conditions = null, CancellationToken cancellationToken = default)
    {
        var blob = Blob(path);
        ArgumentNullException.ThrowIfNull(content);

        // The service's answer carries no length: take it from a seekable stream, or count what the SDK reads.
        var counting = content.CanSeek ? null : new CountingStream(content);
        var size = content.CanSeek ? content.Length - content.Position : 0;
        var upload = new BlobUploadOptions
        {
            // Small content is one Put Blob; larger content is staged as uncommitted blocks (invisible to readers)
            // and committed at once, under these conditions, by Put Block List.
            TransferOptions = _options.TransferOptions,
            Conditions = conditions is null ? null : new BlobRequestConditions
            {
                IfNoneMatch = conditions.CreateOnly ? ETag.All : null,
                IfMatch = conditions.MatchETag,
            },
        };

        try
        {
            BlobContentInfo written = await blob.UploadAsync(counting ?? content, upload, cancellationToken).ConfigureAwait(false);
            return new BlobProperties(path, counting?.BytesRead ?? size, Unquoted(written.ETag), written.LastModified);
        }
        catch (RequestFailedException e) when (WriteConflict(path, conditions, e) is { } conflict)
        {
            throw conflict;
        }
    }

    /// <inheritdoc/>
    public virtual async IAsyncEnumerable<BlobProperties> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        BlobPath.Validate(prefix, allowEmpty: true);
        var blobs = _container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix.Length == 0 ? null : prefix }, cancellationToken);
        await foreach (var page in blobs.AsPages(pageSizeHint: _options.ListPageSize).WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            foreach (var item in page.Values)
            {
                var properties = item.Properties;
                yield return new BlobProperties(
                    item.Name,
                    properties.ContentLength ?? 0,
                    Unquoted(properties.ETag ?? default),
                    properties.LastModified ?? default);
            }
        }
    }

    /// <inheritdoc/>
    public virtual async Task<bool> DeleteAsync(string path, ETag? ifMatch = null, CancellationToken cancellationToken = default)
    {
        var blob = Blob(path);
        try
        {
            // Not DeleteIfExists: it also answers false for a missing container, which is a misconfiguration, not a
            // missing blob.
            await blob.DeleteAsync(
                DeleteSnapshotsOption.IncludeSnapshots,
                ifMatch is { } etag ? new BlobRequestConditions { IfMatch = etag } : null,
                cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (e.ErrorCode == BlobErrorCode.BlobNotFound)
        {
            return false;
        }
        catch (RequestFailedException e) when (e.ErrorCode == BlobErrorCode.ConditionNotMet)
        {
            throw new StorageConflictException(StorageConflict.ETagMismatch, path, $"Blob '{path}' changed since ETag {ifMatch}; it was not deleted.");
        }
    }

    // The SDK keeps the quotes of an ETag header ("0x8D...") but a listing's ETags come without them; strip them so
    // one version has one ETag whichever call reported it. The SDK quotes them again for If-Match.
    private static ETag Unquoted(ETag etag)
    {
        var value = etag.ToString();
        return value.Length >= 2 && value[0] == '"' && value[^1] == '"' ? new ETag(value[1..^1]) : etag;
    }

    private BlobClient Blob(string path) => _container.GetBlobClient(BlobPath.Validate(path));

    private static StorageConflictException? WriteConflict(string path, BlobWriteConditions? conditions, RequestFailedException error)
    {
        if (conditions is null)
        {
            return null;
        }

        var code = error.ErrorCode;
        return conditions.CreateOnly && (code == BlobErrorCode.BlobAlreadyExists || code == BlobErrorCode.ConditionNotMet)
            ? new StorageConflictException(StorageConflict.AlreadyExists, path, $"Blob '{path}' already exists.")
            : conditions.MatchETag is not null && code == BlobErrorCode.ConditionNotMet
            ? new StorageConflictException(StorageConflict.ETagMismatch, path, $"Blob '{path}' is no longer at ETag {conditions.MatchETag}; it was not written.")
            : conditions.MatchETag is not null && code == BlobErrorCode.BlobNotFound
            ? new StorageConflictException(StorageConflict.NotFound, path, $"Blob '{path}' does not exist, so it cannot be replaced.")
            : null;
    }

    private static Uri CheckUri(Uri uri, bool allowQuery, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(uri, parameterName);
        return uri.IsAbsoluteUri && (allowQuery || string.IsNullOrEmpty(uri.Query))
            ? uri
            : throw new ArgumentException($"The container URI must be absolute{(allowQuery ? "" : " and have no query")}, not '{uri}'.", parameterName);
    }

    private static string ValidateContainerName(string containerName, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(containerName, parameterName);
        var valid = containerName.Length is >= 3 and <= 63
            && containerName.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-')
            && containerName[0] != '-' && containerName[^1] != '-'
            && !containerName.Contains("--", StringComparison.Ordinal);
        return valid
            ? containerName
            : throw new ArgumentException(
                $"Container name '{containerName}' is not valid: use 3 to 63 lowercase letters, digits and single dashes, starting and ending with a letter or digit.",
                parameterName);
    }
}
