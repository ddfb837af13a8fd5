using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Cloud.Storage.Blobs;

namespace Cloud.Storage.AzureStorage;

/// <summary>
/// An <see cref="IBlobStore"/> over one Azure Blob Storage container, speaking the Blob service REST API through an
/// Azure.Core pipeline (retries, diagnostics, Shared Key / SAS / Entra ID authentication). Works against Azure and
/// Azurite alike. Thread-safe. Content streams in both directions: uploads read one block at a time into a pooled
/// buffer, downloads hand back the network stream.
/// </summary>
public class AzureBlobStore : IBlobStore
{
    // The service's limit on committed blocks per blob.
    private const int MaxBlocks = 50_000;

    private readonly HttpPipeline _pipeline;
    private readonly Uri _containerUri;
    private readonly int _singleUploadThreshold;
    private readonly int _blockSize;
    private readonly int? _listPageSize;

    /// <summary>For mocking only.</summary>
    protected AzureBlobStore()
    {
        _pipeline = null!;
        _containerUri = null!;
        Description = "";
    }

    /// <summary>
    /// A store for <paramref name="containerName"/> in the account a connection string names (Shared Key or SAS),
    /// including <c>UseDevelopmentStorage=true</c> for Azurite.
    /// </summary>
    public AzureBlobStore(string connectionString, string containerName, AzureBlobStoreOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        ValidateContainerName(containerName, nameof(containerName));
        options ??= new AzureBlobStoreOptions();
        var connection = StorageConnectionString.ParseArgument(connectionString, nameof(connectionString));
        var endpoint = connection.BlobEndpoint
            ?? throw new ArgumentException("The storage connection string names a TableEndpoint but no BlobEndpoint or AccountName.", nameof(connectionString));

        _containerUri = new Uri($"{endpoint.AbsoluteUri.TrimEnd('/')}/{containerName}");
        _pipeline = StoragePipeline.WithConnectionString(options, AzureBlobStoreOptions.ServiceVersion, connection, key => new StorageSharedKeyPolicy(key));
        _singleUploadThreshold = options.SingleUploadThreshold;
        _blockSize = options.BlockSize;
        _listPageSize = options.ListPageSize;
        Description = $"azure:{connection.AccountName ?? StorageUris.AccountName(endpoint)}/{containerName}";
    }

    /// <summary>
    /// A store for the container at <paramref name="containerUri"/> (e.g. https://account.blob.core.windows.net/models),
    /// authenticated with an Entra ID token (managed identity, workload identity, developer sign-in...). Tokens are
    /// only sent over https.
    /// </summary>
    public AzureBlobStore(Uri containerUri, TokenCredential credential, AzureBlobStoreOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(containerUri);
        ArgumentNullException.ThrowIfNull(credential);
        if (!containerUri.IsAbsoluteUri || !string.IsNullOrEmpty(containerUri.Query))
        {
            throw new ArgumentException($"The container URI must be absolute and have no query, not '{containerUri}'.", nameof(containerUri));
        }

        options ??= new AzureBlobStoreOptions();
        _containerUri = new Uri(containerUri.AbsoluteUri.TrimEnd('/'));
        var containerName = ValidateContainerName(_containerUri.Segments[^1].TrimEnd('/'), nameof(containerUri));
        _pipeline = StoragePipeline.WithToken(options, AzureBlobStoreOptions.ServiceVersion, credential);
        _singleUploadThreshold = options.SingleUploadThreshold;
        _blockSize = options.BlockSize;
        _listPageSize = options.ListPageSize;
        Description = $"azure:{StorageUris.AccountName(_containerUri)}/{containerName}";
    }

    /// <inheritdoc/>
    public virtual string Description { get; }

    /// <summary>The container's URI.</summary>
    public virtual Uri ContainerUri => _containerUri;

    /// <summary>Creates the container unless it exists; true when this call created it.</summary>
    public virtual async Task<bool> CreateContainerIfNotExistsAsync(CancellationToken cancellationToken = default)
    {
        using var message = CreateMessage(RequestMethod.Put, path: null);
        message.Request.Uri.AppendQuery("restype", "container");
        await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
        var response = message.Response;
        return response.Status switch
        {
            201 => true,
            409 when StorageResponses.ErrorCode(response) == "ContainerAlreadyExists" => false,
            _ => throw StorageResponses.Failed(response),
        };
    }

    /// <inheritdoc/>
    public virtual async Task<BlobProperties?> GetPropertiesAsync(string path, CancellationToken cancellationToken = default)
    {
        BlobPath.Validate(path);
        using var message = CreateMessage(RequestMethod.Head, path);
        await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
        var response = message.Response;
        return response.Status switch
        {
            200 => ReadProperties(path, response),
            404 when !IsMissingContainer(response) => null,
            _ => throw StorageResponses.Failed(response),
        };
    }

    /// <inheritdoc/>
    public virtual async Task<BlobDownload?> OpenReadAsync(string path, CancellationToken cancellationToken = default)
    {
        BlobPath.Validate(path);
        using var message = CreateMessage(RequestMethod.Get, path);
        message.BufferResponse = false; // the caller reads the content from the network, however large it is
        await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
        var response = message.Response;
        if (response.Status == 200)
        {
            var properties = ReadProperties(path, response);
            return new BlobDownload(properties, message.ExtractResponseContent() ?? Stream.Null);
        }

        // Error bodies are small; buffer this one so its code and message can be read.
        await BufferErrorAsync(response, cancellationToken).ConfigureAwait(false);
        return response.Status == 404 && !IsMissingContainer(response) ? null : throw StorageResponses.Failed(response);
    }

    /// <inheritdoc/>
    public virtual async Task<BlobProperties> PutAsync(string path, Stream content, BlobWriteConditions? conditions = null, CancellationToken cancellationToken = default)
    {
        BlobPath.Validate(path);
        ArgumentNullException.ThrowIfNull(content);

        // Read one byte past the single-upload threshold to learn which way to upload without knowing the length;
        // the buffer then carries one block at a time. Buffered request content also makes every request retryable.
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(_singleUploadThreshold + 1, _blockSize));
        try
        {
            var filled = await FillAsync(content, buffer.AsMemory(0, _singleUploadThreshold + 1), cancellationToken).ConfigureAwait(false);
            if (filled <= _singleUploadThreshold)
            {
                return await PutBlobAsync(path, buffer.AsMemory(0, filled), conditions, cancellationToken).ConfigureAwait(false);
            }

            // Uncommitted blocks are invisible to readers until Put Block List commits them, atomically and under
            // the caller's conditions. A per-upload prefix keeps concurrent uploads of one blob from mixing blocks.
            var uploadId = Guid.NewGuid().ToString("N");
            var blockIds = new List<string>();
            var blockLength = Math.Max(_blockSize, filled); // the first block carries whatever was read while deciding
            long total = 0;
            while (true)
            {
                filled += await FillAsync(content, buffer.AsMemory(filled, blockLength - filled), cancellationToken).ConfigureAwait(false);
                if (filled == 0)
                {
                    break;
                }

                if (blockIds.Count == MaxBlocks)
                {
                    throw new InvalidOperationException(
                        $"Blob '{path}' needs more than {MaxBlocks} blocks of {_blockSize} bytes; raise {nameof(AzureBlobStoreOptions)}.{nameof(AzureBlobStoreOptions.BlockSize)}.");
                }

                var blockId = BlockId(uploadId, blockIds.Count);
                await PutBlockAsync(path, blockId, buffer.AsMemory(0, filled), cancellationToken).ConfigureAwait(false);
                blockIds.Add(blockId);
                total += filled;
                if (filled < blockLength)
                {
                    break;
                }

                filled = 0;
                blockLength = _blockSize;
            }

            return await PutBlockListAsync(path, blockIds, total, conditions, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <inheritdoc/>
    public virtual async IAsyncEnumerable<BlobProperties> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        BlobPath.Validate(prefix, allowEmpty: true);
        string? marker = null;
        do
        {
            var page = await ListPageAsync(prefix, marker, cancellationToken).ConfigureAwait(false);
            foreach (var blob in page.Blobs)
            {
                yield return blob;
            }

            marker = page.NextMarker;
        }
        while (marker is not null);
    }

    /// <inheritdoc/>
    public virtual async Task<bool> DeleteAsync(string path, ETag? ifMatch = null, CancellationToken cancellationToken = default)
    {
        BlobPath.Validate(path);
        using var message = CreateMessage(RequestMethod.Delete, path);
        message.Request.Headers.SetValue("x-ms-delete-snapshots", "include");
        if (ifMatch is { } etag)
        {
            message.Request.Headers.SetValue("If-Match", StorageResponses.ToHeader(etag));
        }

        await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
        var response = message.Response;
        return response.Status switch
        {
            202 => true,
            404 when !IsMissingContainer(response) => false,
            412 => throw new StorageConflictException(StorageConflict.ETagMismatch, path, $"Blob '{path}' changed since ETag {ifMatch}; it was not deleted."),
            _ => throw StorageResponses.Failed(response),
        };
    }

    private async Task<BlobProperties> PutBlobAsync(string path, ReadOnlyMemory<byte> content, BlobWriteConditions? conditions, CancellationToken cancellationToken)
    {
        using var message = CreateMessage(RequestMethod.Put, path);
        message.Request.Headers.SetValue("x-ms-blob-type", "BlockBlob");
        AddConditions(message.Request, conditions);
        message.Request.Content = RequestContent.Create(content);
        await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
        return message.Response.Status == 201
            ? Written(path, content.Length, message.Response)
            : throw WriteFailed(path, conditions, message.Response);
    }

    private async Task PutBlockAsync(string path, string blockId, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        using var message = CreateMessage(RequestMethod.Put, path);
        message.Request.Uri.AppendQuery("comp", "block");
        message.Request.Uri.AppendQuery("blockid", blockId);
        message.Request.Content = RequestContent.Create(content);
        await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
        if (message.Response.Status != 201)
        {
            throw StorageResponses.Failed(message.Response);
        }
    }

    private async Task<BlobProperties> PutBlockListAsync(string path, List<string> blockIds, long size, BlobWriteConditions? conditions, CancellationToken cancellationToken)
    {
        // Block ids are base64, so they need no XML escaping.
        var xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"utf-8\"?><BlockList>", 64 + (blockIds.Count * 80));
        foreach (var id in blockIds)
        {
            xml.Append("<Latest>").Append(id).Append("</Latest>");
        }

        xml.Append("</BlockList>");

        using var message = CreateMessage(RequestMethod.Put, path);
        message.Request.Uri.AppendQuery("comp", "blocklist");
        message.Request.Headers.SetValue("Content-Type", "application/xml");
        AddConditions(message.Request, conditions);
        message.Request.Content = RequestContent.Create(Encoding.UTF8.GetBytes(xml.ToString()));
        await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
        return message.Response.Status == 201
            ? Written(path, size, message.Response)
            : throw WriteFailed(path, conditions, message.Response);
    }

    private async Task<BlobListPage> ListPageAsync(string prefix, string? marker, CancellationToken cancellationToken)
    {
        using var message = CreateMessage(RequestMethod.Get, path: null);
        message.Request.Uri.AppendQuery("restype", "container");
        message.Request.Uri.AppendQuery("comp", "list");
        if (prefix.Length > 0)
        {
            message.Request.Uri.AppendQuery("prefix", prefix);
        }

        if (marker is not null)
        {
            message.Request.Uri.AppendQuery("marker", marker);
        }

        if (_listPageSize is { } pageSize)
        {
            message.Request.Uri.AppendQuery("maxresults", pageSize.ToString(CultureInfo.InvariantCulture));
        }

        await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
        var response = message.Response;
        return response.Status == 200 && response.ContentStream is { } xml
            ? BlobListPage.Parse(xml)
            : throw StorageResponses.Failed(response);
    }

    private HttpMessage CreateMessage(RequestMethod method, string? path)
    {
        var message = _pipeline.CreateMessage();
        message.Request.Method = method;
        message.Request.Uri.Reset(_containerUri);
        if (path is not null)
        {
            message.Request.Uri.AppendPath("/" + StorageUris.EscapePath(path), escape: false);
        }

        return message;
    }

    private static void AddConditions(Request request, BlobWriteConditions? conditions)
    {
        if (conditions is null)
        {
            return;
        }

        if (conditions.CreateOnly)
        {
            request.Headers.SetValue("If-None-Match", "*");
        }

        if (conditions.MatchETag is { } etag)
        {
            request.Headers.SetValue("If-Match", StorageResponses.ToHeader(etag));
        }
    }

    private static Exception WriteFailed(string path, BlobWriteConditions? conditions, Response response)
    {
        var code = StorageResponses.ErrorCode(response);
        var createOnly = conditions?.CreateOnly == true;
        return response.Status switch
        {
            409 when code == "BlobAlreadyExists" || createOnly => new StorageConflictException(StorageConflict.AlreadyExists, path, $"Blob '{path}' already exists."),
            412 when createOnly => new StorageConflictException(StorageConflict.AlreadyExists, path, $"Blob '{path}' already exists."),
            412 => new StorageConflictException(StorageConflict.ETagMismatch, path, $"Blob '{path}' is no longer at ETag {conditions?.MatchETag}; it was not written."),
            404 when conditions?.MatchETag is not null && code != "ContainerNotFound" => new StorageConflictException(StorageConflict.NotFound, path, $"Blob '{path}' does not exist, so it cannot be replaced."),
            _ => StorageResponses.Failed(response),
        };
    }

    private static BlobProperties Written(string path, long size, Response response) =>
        new(path, size, StorageResponses.RequiredETag(response), StorageResponses.RequiredLastModified(response));

    private static BlobProperties ReadProperties(string path, Response response)
    {
        var size = response.Headers.ContentLengthLong ?? throw new RequestFailedException(response.Status, $"The Blob service answered {response.Status} for '{path}' without a Content-Length.");
        return new BlobProperties(path, size, StorageResponses.RequiredETag(response), StorageResponses.RequiredLastModified(response));
    }

    private static bool IsMissingContainer(Response response) => StorageResponses.ErrorCode(response) == "ContainerNotFound";

    private static async Task BufferErrorAsync(Response response, CancellationToken cancellationToken)
    {
        if (response.ContentStream is { CanSeek: false } network)
        {
            var buffered = new MemoryStream();
            await network.CopyToAsync(buffered, cancellationToken).ConfigureAwait(false);
            await network.DisposeAsync().ConfigureAwait(false);
            buffered.Position = 0;
            response.ContentStream = buffered;
        }
    }

    // Every block id of a blob must have the same length: 32 hex digits of upload id, a dash, six digits of index.
    private static string BlockId(string uploadId, int index) =>
        Convert.ToBase64String(Encoding.ASCII.GetBytes($"{uploadId}-{index.ToString("D6", CultureInfo.InvariantCulture)}"));

    private static async Task<int> FillAsync(Stream content, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var filled = 0;
        while (filled < buffer.Length)
        {
            var read = await content.ReadAsync(buffer[filled..], cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            filled += read;
        }

        return filled;
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
