using Azure;
using Cloud.Storage.Tables;

namespace Cloud.Registry.Tests.Registry;

/// <summary>
/// A table store that runs a test's action just before the next transaction or insert commits, to force the worst
/// interleaving of two registry operations deterministically instead of hoping a race hits it.
/// </summary>
internal sealed class InterleavingTableStore(ITableStore inner) : ITableStore
{
    public Func<Task>? BeforeNextTransaction { get; set; }

    public Func<Task>? BeforeNextInsert { get; set; }

    public string Description => inner.Description;

    public async Task<IReadOnlyList<TableEntity>> SubmitTransactionAsync(IReadOnlyList<TableTransactionAction> actions, CancellationToken cancellationToken = default)
    {
        if (BeforeNextTransaction is { } hook)
        {
            BeforeNextTransaction = null;
            await hook();
        }

        return await inner.SubmitTransactionAsync(actions, cancellationToken);
    }

    public Task<TableEntity?> GetAsync(string partitionKey, string rowKey, CancellationToken cancellationToken = default) => inner.GetAsync(partitionKey, rowKey, cancellationToken);

    public IAsyncEnumerable<TableEntity> QueryPartitionAsync(string partitionKey, string? rowKeyPrefix = null, CancellationToken cancellationToken = default) =>
        inner.QueryPartitionAsync(partitionKey, rowKeyPrefix, cancellationToken);

    public async Task<TableEntity> InsertAsync(TableEntity entity, CancellationToken cancellationToken = default)
    {
        if (BeforeNextInsert is { } hook)
        {
            BeforeNextInsert = null;
            await hook();
        }

        return await inner.InsertAsync(entity, cancellationToken);
    }

    public Task<TableEntity> UpdateAsync(TableEntity entity, ETag ifMatch, CancellationToken cancellationToken = default) => inner.UpdateAsync(entity, ifMatch, cancellationToken);

    public Task<TableEntity> UpsertAsync(TableEntity entity, CancellationToken cancellationToken = default) => inner.UpsertAsync(entity, cancellationToken);

    public Task<bool> DeleteAsync(string partitionKey, string rowKey, ETag ifMatch, CancellationToken cancellationToken = default) =>
        inner.DeleteAsync(partitionKey, rowKey, ifMatch, cancellationToken);
}
