using Cloud.Sdk.Jobs;

namespace Cloud.Jobs.Queue.Sqlite;

/// <summary>A message taken from the embedded queue, locked by its token.</summary>
internal sealed class SqliteJobLease(SqliteJobQueue queue, string messageId, string token, JobMessage message, int deliveryCount) : IJobLease
{
    public JobMessage Message => message;

    public int DeliveryCount => deliveryCount;

    public Task RenewAsync(CancellationToken cancellationToken) => queue.RenewAsync(messageId, token, cancellationToken);

    public Task CompleteAsync(CancellationToken cancellationToken) => queue.SettleAsync(messageId, token, "done", null, null, cancellationToken);

    public Task RetryAsync(TimeSpan backoff, CancellationToken cancellationToken) =>
        queue.SettleAsync(messageId, token, "done", null, null, cancellationToken, message with { Attempt = message.Attempt + 1 }, backoff);

    public Task DeadLetterAsync(string reason, string description, CancellationToken cancellationToken) =>
        queue.SettleAsync(messageId, token, "dead", reason, description, cancellationToken);
}
