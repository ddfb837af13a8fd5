using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Cloud.Storage.Tables;

namespace Cloud.Storage.AzureStorage;

/// <summary>
/// An <see cref="ITableStore"/> over one Azure Table Storage table, speaking the Table service's OData JSON REST API
/// through an Azure.Core pipeline (retries, diagnostics, Shared Key / SAS / Entra ID authentication). Works against
/// Azure and Azurite alike. Thread-safe.
/// </summary>
public class AzureTableStore : ITableStore
{
    private readonly HttpPipeline _pipeline;
    private readonly Uri _endpoint;
    private readonly string _tableName;
    private readonly int? _queryPageSize;

    /// <summary>For mocking only.</summary>
    protected AzureTableStore()
    {
        _pipeline = null!;
        _endpoint = null!;
        _tableName = "";
        Description = "";
    }

    /// <summary>
    /// A store for <paramref name="tableName"/> in the account a connection string names (Shared Key or SAS),
    /// including <c>UseDevelopmentStorage=true</c> for Azurite.
    /// </summary>
    public AzureTableStore(string connectionString, string tableName, AzureTableStoreOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        _tableName = ValidateTableName(tableName);
        var connection = StorageConnectionString.ParseArgument(connectionString, nameof(connectionString));
        var endpoint = connection.TableEndpoint
            ?? throw new ArgumentException("The storage connection string names a BlobEndpoint but no TableEndpoint or AccountName.", nameof(connectionString));

        _endpoint = new Uri(endpoint.AbsoluteUri.TrimEnd('/'));
        options ??= new AzureTableStoreOptions();
        _pipeline = StoragePipeline.WithConnectionString(options, AzureTableStoreOptions.ServiceVersion, connection, key => new TableSharedKeyPolicy(key));
        _queryPageSize = options.QueryPageSize;
        Description = $"azure:{connection.AccountName ?? StorageUris.AccountName(endpoint)}/{tableName}";
    }

    /// <summary>
    /// A store for <paramref name="tableName"/> at the account's table endpoint (e.g. https://account.table.core.windows.net),
    /// authenticated with an Entra ID token (managed identity, workload identity, developer sign-in...). Tokens are
    /// only sent over https.
    /// </summary>
    public AzureTableStore(Uri tableEndpoint, string tableName, TokenCredential credential, AzureTableStoreOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(tableEndpoint);
        ArgumentNullException.ThrowIfNull(credential);
        if (!tableEndpoint.IsAbsoluteUri || !string.IsNullOrEmpty(tableEndpoint.Query))
        {
            throw new ArgumentException($"The table endpoint must be absolute and have no query, not '{tableEndpoint}'.", nameof(tableEndpoint));
        }

        _tableName = ValidateTableName(tableName);
        _endpoint = new Uri(tableEndpoint.AbsoluteUri.TrimEnd('/'));
        options ??= new AzureTableStoreOptions();
        _pipeline = StoragePipeline.WithToken(options, AzureTableStoreOptions.ServiceVersion, credential);
        _queryPageSize = options.QueryPageSize;
        Description = $"azure:{StorageUris.AccountName(_endpoint)}/{tableName}";
    }

    /// <inheritdoc/>
    public virtual string Description { get; }

    /// <summary>The table's name.</summary>
    public virtual string TableName => _tableName;

    /// <summary>Creates the table unless it exists; true when this call created it.</summary>
    public virtual async Task<bool> CreateTableIfNotExistsAsync(CancellationToken cancellationToken = default)
    {
        using var message = CreateMessage(RequestMethod.Post, "/Tables");
        message.Request.Headers.SetValue("Prefer", "return-no-content");
        SetJson(message.Request, JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["TableName"] = _tableName }));
        await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
        var response = message.Response;
        return response.Status switch
        {
            201 or 204 => true,
            409 when StorageResponses.ErrorCode(response) == "TableAlreadyExists" => false,
            _ => throw StorageResponses.Failed(response),
        };
    }

    /// <inheritdoc/>
    public virtual async Task<TableEntity?> GetAsync(string partitionKey, string rowKey, CancellationToken cancellationToken = default)
    {
        TableKey.Validate(partitionKey, nameof(partitionKey));
        TableKey.Validate(rowKey, nameof(rowKey));
        using var message = CreateMessage(RequestMethod.Get, TableODataSyntax.EntityPath(_tableName, partitionKey, rowKey));
        await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
        var response = message.Response;
        switch (response.Status)
        {
            case 200:
                using (var json = JsonDocument.Parse(response.Content.ToMemory()))
                {
                    return TableEntityJson.Deserialize(json.RootElement, StorageResponses.RequiredETag(response));
                }

            case 404 when !IsMissingTable(response):
                return null;
            default:
                throw StorageResponses.Failed(response);
        }
    }

    /// <inheritdoc/>
    public virtual async IAsyncEnumerable<TableEntity> QueryPartitionAsync(string partitionKey, string? rowKeyPrefix = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        TableKey.Validate(partitionKey, nameof(partitionKey));
        var filter = TableODataSyntax.PartitionFilter(partitionKey, rowKeyPrefix);
        (string PartitionKey, string? RowKey)? next = null;
        do
        {
            var (entities, continuation) = await QueryPageAsync(filter, next, cancellationToken).ConfigureAwait(false);
            foreach (var entity in entities)
            {
                yield return entity;
            }

            next = continuation;
        }
        while (next is not null);
    }

    /// <inheritdoc/>
    public virtual async Task<TableEntity> InsertAsync(TableEntity entity, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entity);
        using var message = CreateMessage(RequestMethod.Post, "/" + _tableName);
        message.Request.Headers.SetValue("Prefer", "return-no-content");
        SetJson(message.Request, TableEntityJson.Serialize(entity));
        await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
        var response = message.Response;
        return response.Status switch
        {
            201 or 204 => Written(entity, response),
            409 when StorageResponses.ErrorCode(response) is "EntityAlreadyExists" or null => throw new StorageConflictException(
                StorageConflict.AlreadyExists, Item(entity), $"Entity '{Item(entity)}' already exists in table {_tableName}."),
            _ => throw StorageResponses.Failed(response),
        };
    }

    /// <inheritdoc/>
    public virtual async Task<TableEntity> UpdateAsync(TableEntity entity, ETag ifMatch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entity);
        if (ifMatch == default)
        {
            throw new ArgumentException("Update needs the ETag the entity was read with, or ETag.All to replace whatever is there.", nameof(ifMatch));
        }

        using var message = await ReplaceAsync(entity, ifMatch, cancellationToken).ConfigureAwait(false);
        var response = message.Response;
        return response.Status switch
        {
            204 => Written(entity, response),
            412 => throw new StorageConflictException(
                StorageConflict.ETagMismatch, Item(entity), $"Entity '{Item(entity)}' in table {_tableName} is no longer at ETag {ifMatch}; it was not updated."),
            404 when !IsMissingTable(response) => throw new StorageConflictException(
                StorageConflict.NotFound, Item(entity), $"Entity '{Item(entity)}' does not exist in table {_tableName}, so it cannot be updated."),
            _ => throw StorageResponses.Failed(response),
        };
    }

    /// <inheritdoc/>
    public virtual async Task<TableEntity> UpsertAsync(TableEntity entity, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entity);

        // Without If-Match, Update Entity is Insert Or Replace Entity.
        using var message = await ReplaceAsync(entity, ifMatch: null, cancellationToken).ConfigureAwait(false);
        return message.Response.Status == 204 ? Written(entity, message.Response) : throw StorageResponses.Failed(message.Response);
    }

    /// <inheritdoc/>
    public virtual async Task<bool> DeleteAsync(string partitionKey, string rowKey, ETag ifMatch, CancellationToken cancellationToken = default)
    {
        TableKey.Validate(partitionKey, nameof(partitionKey));
        TableKey.Validate(rowKey, nameof(rowKey));
        if (ifMatch == default)
        {
            throw new ArgumentException("Delete needs the ETag the entity was read with, or ETag.All to delete whatever is there.", nameof(ifMatch));
        }

        using var message = CreateMessage(RequestMethod.Delete, TableODataSyntax.EntityPath(_tableName, partitionKey, rowKey));
        message.Request.Headers.SetValue("If-Match", StorageResponses.ToHeader(ifMatch));
        await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
        var response = message.Response;
        var item = $"{partitionKey}/{rowKey}";
        return response.Status switch
        {
            204 => true,
            404 when !IsMissingTable(response) => false,
            412 => throw new StorageConflictException(StorageConflict.ETagMismatch, item, $"Entity '{item}' in table {_tableName} is no longer at ETag {ifMatch}; it was not deleted."),
            _ => throw StorageResponses.Failed(response),
        };
    }

    /// <inheritdoc/>
    public virtual async Task<IReadOnlyList<TableEntity>> SubmitTransactionAsync(IReadOnlyList<TableTransactionAction> actions, CancellationToken cancellationToken = default)
    {
        TableTransactionAction.Validate(actions);
        var (body, contentType) = TableBatch.Build(_endpoint, _tableName, actions);
        using var message = CreateMessage(RequestMethod.Post, "/$batch");
        message.Request.Headers.SetValue("Content-Type", contentType);
        message.Request.Content = RequestContent.Create(body);
        await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
        var response = message.Response;
        if (response.Status != 202 || !response.Headers.TryGetValue("Content-Type", out var responseType))
        {
            throw StorageResponses.Failed(response);
        }

        // The batch as a whole is accepted (202) even when its changeset fails: the verdict is inside.
        var parts = TableBatch.ParseResponse(responseType, response.Content.ToString());
        if (parts.FirstOrDefault(part => part.Status >= 400) is { } failed)
        {
            throw TransactionFailed(actions, failed);
        }

        if (parts.Count != actions.Count)
        {
            throw new RequestFailedException(response.Status, $"The Table service answered a transaction of {actions.Count} actions with {parts.Count} responses.");
        }

        var written = new List<TableEntity>(actions.Count);
        for (var i = 0; i < actions.Count; i++)
        {
            var action = actions[i];
            written.Add(action.Type == TableTransactionActionType.Delete
                ? action.Entity
                : parts[i].Headers.TryGetValue("ETag", out var etag)
                    ? Written(action.Entity, StorageResponses.ParseETag(etag))
                    : throw new RequestFailedException(response.Status, $"The Table service answered action {i} of a transaction without an ETag."));
        }

        return written;
    }

    // Returns the message (the caller disposes it) because disposing it disposes the response too.
    private async Task<HttpMessage> ReplaceAsync(TableEntity entity, ETag? ifMatch, CancellationToken cancellationToken)
    {
        var message = CreateMessage(RequestMethod.Put, TableODataSyntax.EntityPath(_tableName, entity.PartitionKey, entity.RowKey));
        if (ifMatch is { } etag)
        {
            message.Request.Headers.SetValue("If-Match", StorageResponses.ToHeader(etag));
        }

        try
        {
            SetJson(message.Request, TableEntityJson.Serialize(entity));
            await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
            return message;
        }
        catch
        {
            message.Dispose();
            throw;
        }
    }

    private async Task<(List<TableEntity> Entities, (string, string?)? Next)> QueryPageAsync(string filter, (string PartitionKey, string? RowKey)? next, CancellationToken cancellationToken)
    {
        using var message = CreateMessage(RequestMethod.Get, $"/{_tableName}()");
        message.Request.Uri.AppendQuery("$filter", filter);
        if (_queryPageSize is { } pageSize)
        {
            message.Request.Uri.AppendQuery("$top", pageSize.ToString(CultureInfo.InvariantCulture));
        }
        if (next is { } continuation)
        {
            message.Request.Uri.AppendQuery("NextPartitionKey", continuation.PartitionKey);
            if (continuation.RowKey is not null)
            {
                message.Request.Uri.AppendQuery("NextRowKey", continuation.RowKey);
            }
        }

        await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
        var response = message.Response;
        if (response.Status != 200)
        {
            throw StorageResponses.Failed(response);
        }

        var entities = new List<TableEntity>();
        using (var json = JsonDocument.Parse(response.Content.ToMemory()))
        {
            if (json.RootElement.TryGetProperty("value", out var values))
            {
                foreach (var value in values.EnumerateArray())
                {
                    entities.Add(TableEntityJson.Deserialize(value));
                }
            }
        }

        // A page can end early (1,000 entities, 5 seconds, a partition boundary) and still have more after it.
        return response.Headers.TryGetValue("x-ms-continuation-NextPartitionKey", out var nextPartition)
            ? (entities, (nextPartition, response.Headers.TryGetValue("x-ms-continuation-NextRowKey", out var nextRow) ? nextRow : null))
            : (entities, null);
    }

    private HttpMessage CreateMessage(RequestMethod method, string relativePath)
    {
        var message = _pipeline.CreateMessage();
        var request = message.Request;
        request.Method = method;
        request.Uri.Reset(_endpoint);
        request.Uri.AppendPath(relativePath, escape: false);
        request.Headers.SetValue("Accept", "application/json;odata=minimalmetadata");
        request.Headers.SetValue("DataServiceVersion", "3.0");
        request.Headers.SetValue("MaxDataServiceVersion", "3.0;NetFx");
        return message;
    }

    private static void SetJson(Request request, byte[] body)
    {
        request.Headers.SetValue("Content-Type", "application/json");
        request.Content = RequestContent.Create(body);
    }

    private static TableEntity Written(TableEntity entity, Response response) => Written(entity, StorageResponses.RequiredETag(response));

    private static TableEntity Written(TableEntity entity, ETag etag)
    {
        var written = entity.Clone();
        written.ETag = etag;
        written.Timestamp = TableEntityJson.TimestampFromETag(etag);
        return written;
    }

    private Exception TransactionFailed(IReadOnlyList<TableTransactionAction> actions, TableBatch.Part failed)
    {
        var (code, message) = StorageErrorParser.ReadJson(Encoding.UTF8.GetBytes(failed.Body));
        var index = TableBatch.FailedIndex(message)
            ?? (failed.Headers.TryGetValue("Content-ID", out var contentId) && int.TryParse(contentId, CultureInfo.InvariantCulture, out var id) ? id - 1 : (int?)null)
            ?? (actions.Count == 1 ? 0 : (int?)null);
        if (index is >= 0 && index < actions.Count)
        {
            var action = actions[index.Value];
            var item = Item(action.Entity);
            var conflict = failed.Status switch
            {
                409 when action.Type == TableTransactionActionType.Insert => StorageConflict.AlreadyExists,
                412 => StorageConflict.ETagMismatch,
                404 when code != "TableNotFound" => StorageConflict.NotFound,
                _ => (StorageConflict?)null,
            };
            if (conflict is { } refused)
            {
                return new StorageConflictException(refused, item, $"{action.Type} of entity '{item}' in table {_tableName} was refused ({refused}); the transaction wrote nothing.");
            }
        }

        return new RequestFailedException(failed.Status, $"The table transaction failed and wrote nothing: {message ?? failed.Body}", code, innerException: null);
    }

    private static string Item(TableEntity entity) => $"{entity.PartitionKey}/{entity.RowKey}";

    private static bool IsMissingTable(Response response) => StorageResponses.ErrorCode(response) == "TableNotFound";

    private static string ValidateTableName(string tableName)
    {
        ArgumentNullException.ThrowIfNull(tableName);
        var valid = tableName.Length is >= 3 and <= 63
            && char.IsAsciiLetter(tableName[0])
            && tableName.All(char.IsAsciiLetterOrDigit)
            && !tableName.Equals("tables", StringComparison.OrdinalIgnoreCase);
        return valid
            ? tableName
            : throw new ArgumentException(
                $"Table name '{tableName}' is not valid: use 3 to 63 letters and digits, starting with a letter (and not 'tables').",
                nameof(tableName));
    }
}
