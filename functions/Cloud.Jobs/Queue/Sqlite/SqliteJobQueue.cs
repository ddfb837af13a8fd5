using System.Diagnostics;
using Cloud.Sdk.Jobs;
using Cloud.Storage;
using Microsoft.Data.Sqlite;

namespace Cloud.Jobs.Queue.Sqlite;

/// <summary>
/// The embedded jobs queue: messages in a table of the host's SQLite file, so they survive restarts and any process on
/// the machine can take them. A lock is a token and an expiry on the message's row; every take and settlement is one
/// conditional statement (or one transaction), so SQLite's own locking makes them atomic across threads and processes.
/// Settled messages stay a day as tombstones, so a copy enqueued again (a redelivered trigger) is dropped as a
/// duplicate, as Service Bus's duplicate detection drops it.
/// </summary>
internal sealed partial class SqliteJobQueue : IJobQueue
{
    private static readonly TimeSpan DuplicateWindow = TimeSpan.FromDays(1);

    private readonly SqliteDatabase _database;
    private readonly string _queue;
    private readonly JobsOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<SqliteJobQueue> _logger;

    // Wakes this process's receivers when it enqueues; other processes' messages are found by polling.
    private readonly SemaphoreSlim _arrived = new(0);

    public SqliteJobQueue(string databasePath, JobsOptions options, TimeProvider time, ILogger<SqliteJobQueue> logger)
    {
        // The host's embedded tables share the file.
        _database = new SqliteDatabase(databasePath,
            "CREATE TABLE IF NOT EXISTS job_queue (queue TEXT NOT NULL, message_id TEXT NOT NULL, body BLOB NOT NULL, state TEXT NOT NULL, " +
            "visible_at INTEGER NOT NULL, lock_token TEXT, delivery_count INTEGER NOT NULL, enqueued_at INTEGER NOT NULL, settled_at INTEGER, " +
            "reason TEXT, description TEXT, PRIMARY KEY (queue, message_id)) WITHOUT ROWID; " +
            "CREATE INDEX IF NOT EXISTS job_queue_ready ON job_queue (queue, state, visible_at);");
        _queue = options.QueueName;
        _options = options;
        _time = time;
        _logger = logger;
        Description = $"sqlite:{_database.FullPath}/{_queue}";
    }

    public string Description { get; }

    public async Task EnqueueAsync(JobMessage message, TimeSpan delay, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection,
            "DELETE FROM job_queue WHERE queue = $queue AND state = 'done' AND settled_at < $expired; " +
            "INSERT OR IGNORE INTO job_queue (queue, message_id, body, state, visible_at, delivery_count, enqueued_at) " +
            "VALUES ($queue, $id, $body, 'ready', $visible, 0, $now);",
            ("$id", JobMessages.MessageId(message)), ("$body", JobMessages.Serialize(message)), ("$visible", (now + delay).UtcTicks),
            ("$now", now.UtcTicks), ("$expired", (now - DuplicateWindow).UtcTicks));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        _arrived.Release();
    }

    public async Task<IJobLease?> ReceiveAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            if (await TryTakeAsync(cancellationToken).ConfigureAwait(false) is { } lease)
            {
                return lease;
            }

            var left = wait - waited.Elapsed;
            if (left <= TimeSpan.Zero)
            {
                return null;
            }

            await _arrived.WaitAsync(left < _options.PollInterval ? left : _options.PollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<IReadOnlyList<DeadLetteredMessage>> PeekDeadLettersAsync(int max, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection,
            "SELECT message_id, body, reason, description FROM job_queue WHERE queue = $queue AND state = 'dead' ORDER BY settled_at, message_id LIMIT $max",
            ("$max", max));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var dead = new List<DeadLetteredMessage>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            dead.Add(new DeadLetteredMessage(reader.GetString(0), JobMessages.TryDeserialize((byte[])reader[1]),
                reader.IsDBNull(2) ? null : reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3)));
        }

        return dead;
    }

    public ValueTask DisposeAsync()
    {
        _arrived.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>For tests of what a queue does with a body no job message wrote.</summary>
    internal async Task EnqueueRawAsync(string messageId, byte[] body, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow().UtcTicks;
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection,
            "INSERT INTO job_queue (queue, message_id, body, state, visible_at, delivery_count, enqueued_at) VALUES ($queue, $id, $body, 'ready', $now, 0, $now)",
            ("$id", messageId), ("$body", body), ("$now", now));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<IJobLease?> TryTakeAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var now = _time.GetUtcNow();
            var token = Guid.NewGuid().ToString("N");
            string messageId;
            byte[] body;
            int deliveries;
            await using (var connection = await OpenAsync(cancellationToken).ConfigureAwait(false))
            {
                // One statement picks and locks, so two receivers never take the same message. visible_at is when a
                // ready message may be taken: its scheduled time, or while locked, when its lock runs out.
                await using var command = Command(connection,
                    "UPDATE job_queue SET lock_token = $token, visible_at = $until, delivery_count = delivery_count + 1 " +
                    "WHERE queue = $queue AND message_id = (SELECT message_id FROM job_queue WHERE queue = $queue AND state = 'ready' AND visible_at <= $now " +
                    "ORDER BY visible_at, enqueued_at LIMIT 1) RETURNING message_id, body, delivery_count",
                    ("$token", token), ("$until", (now + _options.LockDuration).UtcTicks), ("$now", now.UtcTicks));
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    return null;
                }

                (messageId, body, deliveries) = (reader.GetString(0), (byte[])reader[1], reader.GetInt32(2));
            }

            var message = JobMessages.TryDeserialize(body);
            if (message is null)
            {
                LogNotAJob(messageId, Description);
                await SettleAsync(messageId, token, "dead", JobMessages.NotAJob, "The message body is not a job message.", cancellationToken).ConfigureAwait(false);
            }
            else if (deliveries > _options.MaxDeliveryCount)
            {
                // Service Bus's rule: a message delivered more often than the queue allows goes to the dead-letter queue.
                await SettleAsync(messageId, token, "dead", JobMessages.MaxDeliveryCountExceeded,
                    $"Delivered {deliveries - 1} times (Cloud:Jobs:MaxDeliveryCount is {_options.MaxDeliveryCount}) without being settled.", cancellationToken).ConfigureAwait(false);
            }
            else
            {
                return new SqliteJobLease(this, messageId, token, message, deliveries);
            }
        }
    }

    internal async Task RenewAsync(string messageId, string token, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection,
            "UPDATE job_queue SET visible_at = $until WHERE queue = $queue AND message_id = $id AND lock_token = $token AND state = 'ready' AND visible_at > $now",
            ("$id", messageId), ("$token", token), ("$until", (now + _options.LockDuration).UtcTicks), ("$now", now.UtcTicks));
        EnsureLocked(await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false), messageId);
    }

    /// <summary>Settles a locked message as done (complete) or dead (dead-letter), and optionally sends the job's next attempt in the same transaction.</summary>
    internal async Task SettleAsync(string messageId, string token, string state, string? reason, string? description, CancellationToken cancellationToken,
        JobMessage? next = null, TimeSpan nextDelay = default)
    {
        var now = _time.GetUtcNow();
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = connection.BeginTransaction(System.Data.IsolationLevel.Serializable, deferred: false);
        await using (var settle = Command(connection,
            "UPDATE job_queue SET state = $state, lock_token = NULL, settled_at = $now, reason = $reason, description = $description " +
            "WHERE queue = $queue AND message_id = $id AND lock_token = $token AND state = 'ready' AND visible_at > $now",
            ("$id", messageId), ("$token", token), ("$state", state), ("$now", now.UtcTicks), ("$reason", (object?)reason ?? DBNull.Value),
            ("$description", (object?)description ?? DBNull.Value)))
        {
            settle.Transaction = transaction;
            EnsureLocked(await settle.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false), messageId);
        }

        if (next is not null)
        {
            await using var send = Command(connection,
                "INSERT OR IGNORE INTO job_queue (queue, message_id, body, state, visible_at, delivery_count, enqueued_at) VALUES ($queue, $id, $body, 'ready', $visible, 0, $now)",
                ("$id", JobMessages.MessageId(next)), ("$body", JobMessages.Serialize(next)), ("$visible", (now + nextDelay).UtcTicks), ("$now", now.UtcTicks));
            send.Transaction = transaction;
            await send.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private void EnsureLocked(int changed, string messageId)
    {
        if (changed == 0)
        {
            throw new JobLockLostException($"The lock on message {messageId} of {Description} ran out or was taken over.");
        }
    }

    private Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken) => _database.OpenAsync(cancellationToken);

    private SqliteCommand Command(SqliteConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
#pragma warning disable CA2100 // Constant SQL; every value is a parameter.
        command.CommandText = sql;
#pragma warning restore CA2100
        command.Parameters.AddWithValue("$queue", _queue);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message {MessageId} of {Queue} is not a job message; dead-lettered")]
    private partial void LogNotAJob(string messageId, string queue);
}
