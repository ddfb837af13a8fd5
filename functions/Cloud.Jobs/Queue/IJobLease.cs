using Cloud.Sdk.Jobs;

namespace Cloud.Jobs.Queue;

/// <summary>
/// A received message and its lock. Settle it once: complete, abandon or dead-letter. A lease dropped without settling
/// (the runner died) is the queue's to redeliver once the lock runs out. Settling or renewing after the lock was lost
/// throws <see cref="JobLockLostException"/>.
/// </summary>
internal interface IJobLease
{
    JobMessage Message { get; }

    /// <summary>How many times this message (this attempt of the job) was delivered, this time included.</summary>
    int DeliveryCount { get; }

    /// <summary>Extends the lock by the queue's lock duration.</summary>
    Task RenewAsync(CancellationToken cancellationToken);

    /// <summary>Removes the message: the job is done with it.</summary>
    Task CompleteAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Removes the message and sends the job's next attempt, deliverable after <paramref name="backoff"/> (a failure
    /// that a retry may fix). Service Bus cannot delay an abandoned message, so every backend retries this way.
    /// </summary>
    Task RetryAsync(TimeSpan backoff, CancellationToken cancellationToken);

    /// <summary>Moves the message to the dead-letter queue with why.</summary>
    Task DeadLetterAsync(string reason, string description, CancellationToken cancellationToken);
}
