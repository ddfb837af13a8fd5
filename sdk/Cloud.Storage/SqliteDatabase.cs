using Microsoft.Data.Sqlite;

namespace Cloud.Storage;

/// <summary>
/// One SQLite file that a host's embedded stores share (its tables, the embedded job queue): the connection settings
/// every user of the file agrees on, and a user's own schema, created once on its first open. WAL mode, set with the
/// schema, lets readers go on while a writer commits.
/// </summary>
public sealed class SqliteDatabase
{
    private readonly string _connectionString;
    private readonly string _schema;
    private readonly Lazy<Task> _created;

    /// <param name="path">The file; created (with its folder) when missing.</param>
    /// <param name="schema">The user's CREATE ... IF NOT EXISTS statements, run once before the first open returns.</param>
    public SqliteDatabase(string path, string schema)
    {
        FullPath = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(FullPath)!);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = FullPath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = 30, // seconds SQLite keeps retrying a busy database before a command fails
        }.ToString();
        _schema = schema;
        _created = new Lazy<Task>(CreateAsync, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The file's absolute path.</summary>
    public string FullPath { get; }

    /// <summary>An open connection, once the schema exists.</summary>
    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        if (!_created.IsValueCreated || !_created.Value.IsCompletedSuccessfully)
        {
            await _created.Value.ConfigureAwait(false);
        }

        return connection;
    }

    private async Task CreateAsync()
    {
        await using var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync().ConfigureAwait(false);
        await using var command = connection.CreateCommand();
#pragma warning disable CA2100 // The schema is the store's own text (a table name in it is validated by the store).
        command.CommandText = "PRAGMA journal_mode = WAL; " + _schema;
#pragma warning restore CA2100
        await command.ExecuteNonQueryAsync().ConfigureAwait(false);
    }
}
