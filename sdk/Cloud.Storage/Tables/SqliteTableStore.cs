using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Azure;
using Microsoft.Data.Sqlite;

namespace Cloud.Storage.Tables;

/// <summary>
/// A table in a SQLite database file: the embedded default. One SQL table per store, rows keyed by
/// (PartitionKey, RowKey), properties kept as typed JSON so every EDM type round-trips exactly. Each write gets
/// a fresh ETag; conditional writes are single statements, so SQLite's own locking makes them atomic across
/// threads and processes.
/// </summary>
public sealed partial class SqliteTableStore : ITableStore
{
    private readonly SqliteDatabase _database;
    private readonly string _sqlName;
    private readonly TimeProvider _time;

    /// <summary>Opens (creating when missing) table <paramref name="tableName"/> in the SQLite file at <paramref name="databasePath"/>.</summary>
    public SqliteTableStore(string databasePath, string tableName, TimeProvider? timeProvider = null)
    {
        if (!TableNamePattern().IsMatch(tableName ?? string.Empty))
        {
            throw new ArgumentException($"Table name '{tableName}' must be 3 to 63 letters and digits, starting with a letter (Azure's rule).", nameof(tableName));
        }

        _sqlName = "t_" + tableName;
        // The file is shared by every table of the host (and the embedded job queue).
        _database = new SqliteDatabase(databasePath,
            $"CREATE TABLE IF NOT EXISTS {_sqlName} (pk TEXT NOT NULL, rk TEXT NOT NULL, etag TEXT NOT NULL, ts INTEGER NOT NULL, props TEXT NOT NULL, PRIMARY KEY (pk, rk)) WITHOUT ROWID;");
        _time = timeProvider ?? TimeProvider.System;
        Description = $"sqlite:{_database.FullPath}/{tableName}";
    }

    /// <inheritdoc/>
    public string Description { get; }

    /// <inheritdoc/>
    public async Task<TableEntity?> GetAsync(string partitionKey, string rowKey, CancellationToken cancellationToken = default)
    {
        TableKey.Validate(partitionKey, nameof(partitionKey));
        TableKey.Validate(rowKey, nameof(rowKey));
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, $"SELECT pk, rk, etag, ts, props FROM {_sqlName} WHERE pk = $pk AND rk = $rk",
            ("$pk", partitionKey), ("$rk", rowKey));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader) : null;
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<TableEntity> QueryPartitionAsync(string partitionKey, string? rowKeyPrefix = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        TableKey.Validate(partitionKey, nameof(partitionKey));
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        // substr/length count characters, so the prefix test is exact for any Unicode prefix; BINARY collation
        // orders UTF-8 bytes, which is ordinal code-point order like Azure's.
        await using var command = Command(connection,
            $"SELECT pk, rk, etag, ts, props FROM {_sqlName} WHERE pk = $pk AND ($prefix = '' OR substr(rk, 1, length($prefix)) = $prefix) ORDER BY rk COLLATE BINARY",
            ("$pk", partitionKey), ("$prefix", rowKeyPrefix ?? string.Empty));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return Read(reader);
        }
    }

    /// <inheritdoc/>
    public async Task<TableEntity> InsertAsync(TableEntity entity, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await ApplyAsync(connection, null, new(TableTransactionActionType.Insert, entity), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<TableEntity> UpdateAsync(TableEntity entity, ETag ifMatch, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await ApplyAsync(connection, null, new(TableTransactionActionType.Update, entity, ifMatch), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<TableEntity> UpsertAsync(TableEntity entity, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await ApplyAsync(connection, null, new(TableTransactionActionType.Upsert, entity), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<bool> DeleteAsync(string partitionKey, string rowKey, ETag ifMatch, CancellationToken cancellationToken = default)
    {
        var keys = new TableEntity(partitionKey, rowKey);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await ApplyAsync(connection, null, new(TableTransactionActionType.Delete, keys, ifMatch), cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (StorageConflictException error) when (error.Conflict == StorageConflict.NotFound)
        {
            return false;
        }
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<TableEntity>> SubmitTransactionAsync(IReadOnlyList<TableTransactionAction> actions, CancellationToken cancellationToken = default)
    {
        TableTransactionAction.Validate(actions);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        // IMMEDIATE takes the write lock up front, so the conditions checked inside cannot change before commit.
        await using var transaction = connection.BeginTransaction(System.Data.IsolationLevel.Serializable, deferred: false);
        var written = new List<TableEntity>(actions.Count);
        foreach (var action in actions)
        {
            written.Add(await ApplyAsync(connection, transaction, action, cancellationToken).ConfigureAwait(false));
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return written;
    }

    /// <summary>One write, alone or inside a transaction; conditions are part of the statement, so each is atomic.</summary>
    private async Task<TableEntity> ApplyAsync(SqliteConnection connection, SqliteTransaction? transaction, TableTransactionAction action, CancellationToken cancellationToken)
    {
        var entity = action.Entity ?? throw new ArgumentNullException(nameof(action));
        var any = action.IfMatch == ETag.All ? 1 : 0;
        var (etag, timestamp, props) = action.Type == TableTransactionActionType.Delete ? (string.Empty, default, string.Empty) : NewVersion(entity);
        var sql = action.Type switch
        {
            TableTransactionActionType.Insert => $"INSERT INTO {_sqlName} (pk, rk, etag, ts, props) VALUES ($pk, $rk, $etag, $ts, $props)",
            TableTransactionActionType.Update => $"UPDATE {_sqlName} SET etag = $etag, ts = $ts, props = $props WHERE pk = $pk AND rk = $rk AND ($any = 1 OR etag = $match)",
            TableTransactionActionType.Upsert => $"INSERT INTO {_sqlName} (pk, rk, etag, ts, props) VALUES ($pk, $rk, $etag, $ts, $props) " +
                "ON CONFLICT (pk, rk) DO UPDATE SET etag = excluded.etag, ts = excluded.ts, props = excluded.props",
            _ => $"DELETE FROM {_sqlName} WHERE pk = $pk AND rk = $rk AND ($any = 1 OR etag = $match)",
        };
        await using var command = Command(connection, transaction, sql,
            ("$pk", entity.PartitionKey), ("$rk", entity.RowKey), ("$etag", etag), ("$ts", timestamp.UtcTicks), ("$props", props),
            ("$any", any), ("$match", action.IfMatch.ToString()));
        int changed;
        try
        {
            changed = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException error) when (error.SqliteErrorCode == 19) // SQLITE_CONSTRAINT: the key exists
        {
            throw new StorageConflictException(StorageConflict.AlreadyExists, ItemName(entity), $"Entity {ItemName(entity)} already exists in {Description}.");
        }

        if (changed == 0)
        {
            await using var exists = Command(connection, transaction, $"SELECT 1 FROM {_sqlName} WHERE pk = $pk AND rk = $rk", ("$pk", entity.PartitionKey), ("$rk", entity.RowKey));
            var item = ItemName(entity);
            throw await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is null
                ? new StorageConflictException(StorageConflict.NotFound, item, $"Entity {item} does not exist in {Description}.")
                : new StorageConflictException(StorageConflict.ETagMismatch, item, $"Entity {item} changed since ETag {action.IfMatch} was read.");
        }

        return action.Type == TableTransactionActionType.Delete ? entity : Written(entity, etag, timestamp);
    }

    private (string ETag, DateTimeOffset Timestamp, string Props) NewVersion(TableEntity entity)
    {
        TableLimits.Check(entity);
        return ($"W/\"{Guid.NewGuid():N}\"", _time.GetUtcNow(), SqliteEntityJson.Write(entity.Properties));
    }

    private static TableEntity Written(TableEntity entity, string etag, DateTimeOffset timestamp)
    {
        var written = entity.Clone();
        written.ETag = new ETag(etag);
        written.Timestamp = timestamp;
        return written;
    }

    private static TableEntity Read(SqliteDataReader reader)
    {
        var entity = new TableEntity(reader.GetString(0), reader.GetString(1))
        {
            ETag = new ETag(reader.GetString(2)),
            Timestamp = new DateTimeOffset(reader.GetInt64(3), TimeSpan.Zero),
        };
        SqliteEntityJson.Read(reader.GetString(4), entity.Properties);
        return entity;
    }

    private Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken) => _database.OpenAsync(cancellationToken);

    private static SqliteCommand Command(SqliteConnection connection, string sql, params (string Name, object Value)[] parameters) =>
        Command(connection, null, sql, parameters);

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql, params (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
#pragma warning disable CA2100 // The only interpolated part is the table name, validated against ^[A-Za-z][A-Za-z0-9]{2,62}$.
        command.CommandText = sql;
#pragma warning restore CA2100
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command;
    }

    private static string ItemName(TableEntity entity) => $"{entity.PartitionKey}/{entity.RowKey}";

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]{2,62}$")]
    private static partial Regex TableNamePattern();
}
