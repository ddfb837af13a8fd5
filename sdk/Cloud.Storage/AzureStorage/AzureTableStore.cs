using System.Runtime.CompilerServices;
using Azure;
using Azure.Core;
using Azure.Data.Tables;
using Azure.Data.Tables.Models;
using Cloud.Storage.Tables;
using SdkTableEntity = Azure.Data.Tables.TableEntity;
using SdkActionType = Azure.Data.Tables.TableTransactionActionType;
using SdkTransactionAction = Azure.Data.Tables.TableTransactionAction;
using TableEntity = Cloud.Storage.Tables.TableEntity;
using TableTransactionAction = Cloud.Storage.Tables.TableTransactionAction;
using TableTransactionActionType = Cloud.Storage.Tables.TableTransactionActionType;

namespace Cloud.Storage.AzureStorage;

/// <summary>
/// An <see cref="ITableStore"/> over one Azure Table Storage table, through the Azure SDK's <see cref="TableClient"/>
/// (retries, diagnostics, Shared Key / SAS / Entra ID authentication). Works against Azure and Azurite alike.
/// Thread-safe.
/// </summary>
public class AzureTableStore : ITableStore
{
    private readonly TableClient _table;
    private readonly int? _queryPageSize;

    /// <summary>For mocking only.</summary>
    protected AzureTableStore()
    {
        _table = null!;
        TableName = "";
        Description = "";
    }

    /// <summary>
    /// A store for <paramref name="tableName"/> in the account a connection string names: an account key, a SAS
    /// (<c>SharedAccessSignature=</c>), or <c>UseDevelopmentStorage=true</c> for Azurite.
    /// </summary>
    public AzureTableStore(string connectionString, string tableName, AzureTableStoreOptions? options = null)
        : this(options, o => new TableClient(
            connectionString ?? throw new ArgumentNullException(nameof(connectionString)),
            ValidateTableName(tableName, nameof(tableName)),
            o.ClientOptions))
    {
    }

    /// <summary>
    /// A store for <paramref name="tableName"/> at the account's table endpoint (e.g. https://account.table.core.windows.net),
    /// authenticated with an Entra ID token (<c>DefaultAzureCredential</c>, managed identity...). Tokens are only sent
    /// over https.
    /// </summary>
    public AzureTableStore(Uri tableServiceUri, string tableName, TokenCredential credential, AzureTableStoreOptions? options = null)
        : this(options, o => new TableClient(
            CheckUri(tableServiceUri, nameof(tableServiceUri)),
            ValidateTableName(tableName, nameof(tableName)),
            credential ?? throw new ArgumentNullException(nameof(credential)),
            o.ClientOptions))
    {
    }

    /// <summary>
    /// A store for the table at <paramref name="tableSasUri"/>, a table URI whose query is a SAS token
    /// (e.g. https://account.table.core.windows.net/Registry?sv=...&amp;sig=...).
    /// </summary>
    public AzureTableStore(Uri tableSasUri, AzureTableStoreOptions? options = null)
        : this(options, o => new TableClient(tableSasUri ?? throw new ArgumentNullException(nameof(tableSasUri)), o.ClientOptions))
    {
    }

    /// <summary>
    /// A store over a table client the caller built (e.g. from a <see cref="TableServiceClient"/> shared by several
    /// stores). <see cref="AzureTableStoreOptions.ClientOptions"/> is not used: the client already has its own.
    /// </summary>
    public AzureTableStore(TableClient table, AzureTableStoreOptions? options = null)
        : this(options, _ => table ?? throw new ArgumentNullException(nameof(table)))
    {
    }

    private AzureTableStore(AzureTableStoreOptions? options, Func<AzureTableStoreOptions, TableClient> createClient)
    {
        options ??= new AzureTableStoreOptions();
        _table = createClient(options);
        _queryPageSize = options.QueryPageSize;
        TableName = ValidateTableName(_table.Name, "table");
        Description = $"azure:{_table.AccountName}/{_table.Name}";
    }

    /// <inheritdoc/>
    public virtual string Description { get; }

    /// <summary>The table's name.</summary>
    public virtual string TableName { get; }

    /// <summary>Creates the table unless it exists; true when this call created it.</summary>
    public virtual async Task<bool> CreateTableIfNotExistsAsync(CancellationToken cancellationToken = default)
    {
        // The SDK answers an existing table with the service's 409 response rather than throwing.
        var response = await _table.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
        return response.GetRawResponse().Status is 201 or 204;
    }

    /// <inheritdoc/>
    public virtual async Task<TableEntity?> GetAsync(string partitionKey, string rowKey, CancellationToken cancellationToken = default)
    {
        TableKey.Validate(partitionKey, nameof(partitionKey));
        TableKey.Validate(rowKey, nameof(rowKey));
        try
        {
            var response = await _table.GetEntityAsync<SdkTableEntity>(partitionKey, rowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
            return TableEntityConversion.FromSdk(response.Value);
        }
        catch (RequestFailedException e) when (e.ErrorCode == TableErrorCode.ResourceNotFound)
        {
            // Not GetEntityIfExists: a missing table must stay an error, not read as a missing entity.
            return null;
        }
    }

    /// <inheritdoc/>
    public virtual async IAsyncEnumerable<TableEntity> QueryPartitionAsync(string partitionKey, string? rowKeyPrefix = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        TableKey.Validate(partitionKey, nameof(partitionKey));
        var entities = _table.QueryAsync<SdkTableEntity>(PartitionFilter(partitionKey, rowKeyPrefix), _queryPageSize, cancellationToken: cancellationToken);
        await foreach (var entity in entities.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            yield return TableEntityConversion.FromSdk(entity);
        }
    }

    /// <inheritdoc/>
    public virtual async Task<TableEntity> InsertAsync(TableEntity entity, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entity);
        try
        {
            var response = await _table.AddEntityAsync(TableEntityConversion.ToSdk(entity), cancellationToken).ConfigureAwait(false);
            return TableEntityConversion.Written(entity, response.Headers.ETag ?? default);
        }
        catch (RequestFailedException e) when (e.ErrorCode == TableErrorCode.EntityAlreadyExists)
        {
            throw new StorageConflictException(StorageConflict.AlreadyExists, Item(entity), $"Entity '{Item(entity)}' already exists in table {TableName}.");
        }
    }

    /// <inheritdoc/>
    public virtual async Task<TableEntity> UpdateAsync(TableEntity entity, ETag ifMatch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entity);
        if (ifMatch == default)
        {
            throw new ArgumentException("Update needs the ETag the entity was read with, or ETag.All to replace whatever is there.", nameof(ifMatch));
        }

        try
        {
            var response = await _table.UpdateEntityAsync(TableEntityConversion.ToSdk(entity), ifMatch, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            return TableEntityConversion.Written(entity, response.Headers.ETag ?? default);
        }
        catch (RequestFailedException e) when (Conflict(e.ErrorCode) is { } conflict)
        {
            throw new StorageConflictException(conflict, Item(entity), $"Entity '{Item(entity)}' in table {TableName} was not updated ({conflict}, ETag {ifMatch}).");
        }
    }

    /// <inheritdoc/>
    public virtual async Task<TableEntity> UpsertAsync(TableEntity entity, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entity);
        var response = await _table.UpsertEntityAsync(TableEntityConversion.ToSdk(entity), TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
        return TableEntityConversion.Written(entity, response.Headers.ETag ?? default);
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

        var item = $"{partitionKey}/{rowKey}";
        try
        {
            // The SDK hands back a 404 answer instead of throwing: the entity was not there.
            var response = await _table.DeleteEntityAsync(partitionKey, rowKey, ifMatch, cancellationToken).ConfigureAwait(false);
            return response.Status != 404;
        }
        catch (RequestFailedException e) when (e.ErrorCode == TableErrorCode.ResourceNotFound)
        {
            return false;
        }
        catch (RequestFailedException e) when (e.ErrorCode == TableErrorCode.UpdateConditionNotSatisfied)
        {
            throw new StorageConflictException(StorageConflict.ETagMismatch, item, $"Entity '{item}' in table {TableName} is no longer at ETag {ifMatch}; it was not deleted.");
        }
    }

    /// <inheritdoc/>
    public virtual async Task<IReadOnlyList<TableEntity>> SubmitTransactionAsync(IReadOnlyList<TableTransactionAction> actions, CancellationToken cancellationToken = default)
    {
        TableTransactionAction.Validate(actions);
        Response<IReadOnlyList<Response>> response;
        try
        {
            response = await _table.SubmitTransactionAsync(actions.Select(ToSdk), cancellationToken).ConfigureAwait(false);
        }
        catch (TableTransactionFailedException e) when (TransactionConflict(actions, e) is { } conflict)
        {
            throw conflict;
        }

        var answers = response.Value;
        var written = new List<TableEntity>(actions.Count);
        for (var i = 0; i < actions.Count; i++)
        {
            var action = actions[i];
            written.Add(action.Type == TableTransactionActionType.Delete
                ? action.Entity
                : TableEntityConversion.Written(action.Entity, answers[i].Headers.ETag ?? default));
        }

        return written;
    }

    private static SdkTransactionAction ToSdk(TableTransactionAction action)
    {
        var entity = TableEntityConversion.ToSdk(action.Entity);
        return action.Type switch
        {
            TableTransactionActionType.Insert => new(SdkActionType.Add, entity),
            TableTransactionActionType.Update => new(SdkActionType.UpdateReplace, entity, action.IfMatch),
            TableTransactionActionType.Upsert => new(SdkActionType.UpsertReplace, entity),
            TableTransactionActionType.Delete => new(SdkActionType.Delete, entity, action.IfMatch),
            _ => throw new ArgumentOutOfRangeException(nameof(action), action.Type, "Unknown table transaction action."),
        };
    }

    private StorageConflictException? TransactionConflict(IReadOnlyList<TableTransactionAction> actions, TableTransactionFailedException error)
    {
        // The service names the failed action by index; a one-action transaction can only have failed on that one.
        var index = error.FailedTransactionActionIndex ?? (actions.Count == 1 ? 0 : null);
        if (index is not { } i || i < 0 || i >= actions.Count || Conflict(error.ErrorCode) is not { } conflict)
        {
            return null;
        }

        var action = actions[i];
        var item = Item(action.Entity);
        return new StorageConflictException(conflict, item, $"{action.Type} of entity '{item}' in table {TableName} was refused ({conflict}); the transaction wrote nothing.");
    }

    private static StorageConflict? Conflict(string? errorCode) =>
        errorCode == TableErrorCode.EntityAlreadyExists ? StorageConflict.AlreadyExists
        : errorCode == TableErrorCode.UpdateConditionNotSatisfied ? StorageConflict.ETagMismatch
        : errorCode == TableErrorCode.ResourceNotFound ? StorageConflict.NotFound
        : null;

    /// <summary>The partition, and when a prefix is given, the RowKey range [prefix, the next string after every prefixed one).</summary>
    private static string PartitionFilter(string partitionKey, string? rowKeyPrefix)
    {
        if (string.IsNullOrEmpty(rowKeyPrefix))
        {
            return TableClient.CreateQueryFilter($"PartitionKey eq {partitionKey}");
        }

        var end = rowKeyPrefix.Length;
        while (end > 0 && rowKeyPrefix[end - 1] == char.MaxValue)
        {
            end--;
        }

        // A prefix of only U+FFFF characters has no upper bound: every greater key starts with it.
        return end == 0
            ? TableClient.CreateQueryFilter($"PartitionKey eq {partitionKey} and RowKey ge {rowKeyPrefix}")
            : TableClient.CreateQueryFilter(
                $"PartitionKey eq {partitionKey} and RowKey ge {rowKeyPrefix} and RowKey lt {string.Concat(rowKeyPrefix.AsSpan(0, end - 1), [(char)(rowKeyPrefix[end - 1] + 1)])}");
    }

    private static string Item(TableEntity entity) => $"{entity.PartitionKey}/{entity.RowKey}";

    private static Uri CheckUri(Uri uri, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(uri, parameterName);
        return uri.IsAbsoluteUri && string.IsNullOrEmpty(uri.Query)
            ? uri
            : throw new ArgumentException($"The table service URI must be absolute and have no query, not '{uri}'.", parameterName);
    }

    private static string ValidateTableName(string tableName, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(tableName, parameterName);
        var valid = tableName.Length is >= 3 and <= 63
            && char.IsAsciiLetter(tableName[0])
            && tableName.All(char.IsAsciiLetterOrDigit)
            && !tableName.Equals("tables", StringComparison.OrdinalIgnoreCase);
        return valid
            ? tableName
            : throw new ArgumentException(
                $"Table name '{tableName}' is not valid: use 3 to 63 letters and digits, starting with a letter (and not 'tables').",
                parameterName);
    }
}
