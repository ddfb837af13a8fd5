using Azure;

namespace Cloud.Storage.Tables;

/// <summary>
/// One table of entities keyed by (PartitionKey, RowKey), with ETags for optimistic concurrency — the shape of
/// Azure Table Storage, which every backend follows. Implementations are thread-safe.
/// Keys: 1–512 characters, none of '/', '\\', '#', '?' or control characters (Azure's rules, enforced everywhere).
/// Sizes: Azure's (<see cref="TableLimits"/>), also enforced everywhere: a write that breaks one throws
/// <see cref="TableLimitException"/> before anything is written.
/// </summary>
public interface ITableStore
{
    /// <summary>A name for logs and messages, e.g. "sqlite:/data/cloud.db/ModelRegistry".</summary>
    string Description { get; }

    /// <summary>The entity, or null when it does not exist.</summary>
    Task<TableEntity?> GetAsync(string partitionKey, string rowKey, CancellationToken cancellationToken = default);

    /// <summary>Every entity of a partition, in ordinal RowKey order; optionally only RowKeys starting with a prefix.</summary>
    IAsyncEnumerable<TableEntity> QueryPartitionAsync(string partitionKey, string? rowKeyPrefix = null, CancellationToken cancellationToken = default);

    /// <summary>Inserts a new entity; <see cref="StorageConflict.AlreadyExists"/> when one has the same keys. Returns it with its ETag.</summary>
    Task<TableEntity> InsertAsync(TableEntity entity, CancellationToken cancellationToken = default);

    /// <summary>
    /// Replaces an entity only if its stored ETag is <paramref name="ifMatch"/> (<see cref="ETag.All"/> for any):
    /// <see cref="StorageConflict.ETagMismatch"/> or <see cref="StorageConflict.NotFound"/> otherwise. Returns it with its new ETag.
    /// </summary>
    Task<TableEntity> UpdateAsync(TableEntity entity, ETag ifMatch, CancellationToken cancellationToken = default);

    /// <summary>Inserts or replaces unconditionally. Returns the entity with its new ETag.</summary>
    Task<TableEntity> UpsertAsync(TableEntity entity, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes an entity if its ETag is <paramref name="ifMatch"/> (<see cref="ETag.All"/> for any). Returns false when it
    /// did not exist; throws <see cref="StorageConflict.ETagMismatch"/> when it changed.
    /// </summary>
    Task<bool> DeleteAsync(string partitionKey, string rowKey, ETag ifMatch, CancellationToken cancellationToken = default);

    /// <summary>
    /// Applies up to 100 actions on one partition atomically: all of them or none. When one is refused, nothing is
    /// written and <see cref="StorageConflictException"/> names that entity. Returns the written entities, in order,
    /// with their new ETags (deleted ones as given).
    /// </summary>
    Task<IReadOnlyList<TableEntity>> SubmitTransactionAsync(IReadOnlyList<TableTransactionAction> actions, CancellationToken cancellationToken = default);
}
