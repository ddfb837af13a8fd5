using Cloud.Sdk.Jobs;

namespace Cloud.Jobs.Queue;

/// <summary>
/// The jobs queue: at-least-once delivery of job messages under a lock (peek-lock, as Service Bus has it). Every backend
/// keeps the same contract (tests/Cloud.Jobs.Tests/Queue/JobQueueContract.cs):
/// <list type="bullet">
/// <item>a message is delivered to one receiver at a time, under a lock that <see cref="IJobLease.RenewAsync"/> extends;</item>
/// <item>a lock that runs out (its runner died) makes the message deliverable again, with <see cref="IJobLease.DeliveryCount"/> one higher;</item>
/// <item>a message is identified by its job id and attempt: enqueuing the same (id, attempt) again delivers it once, while
/// the next attempt of the same job is a message of its own;</item>
/// <item>a message delivered more than the queue's maximum delivery count is dead-lettered by the queue itself.</item>
/// </list>
/// </summary>
internal interface IJobQueue : IAsyncDisposable
{
    /// <summary>Where the queue lives, for logs ("sqlite:/data/cloud.db/jobs", "servicebus:ns.servicebus.windows.net/jobs").</summary>
    string Description { get; }

    /// <summary>Sends a message, deliverable after <paramref name="delay"/> (none when zero).</summary>
    Task EnqueueAsync(JobMessage message, TimeSpan delay, CancellationToken cancellationToken);

    /// <summary>
    /// Waits up to <paramref name="wait"/> for a deliverable message and locks it to the caller. Null when none came.
    /// Messages whose body is no job are dead-lettered on the way and never returned.
    /// </summary>
    Task<IJobLease?> ReceiveAsync(TimeSpan wait, CancellationToken cancellationToken);

    /// <summary>Dead-lettered messages, oldest first, without taking them (what an operator reads).</summary>
    Task<IReadOnlyList<DeadLetteredMessage>> PeekDeadLettersAsync(int max, CancellationToken cancellationToken);
}
