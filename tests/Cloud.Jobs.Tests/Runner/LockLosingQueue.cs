using Cloud.Jobs.Queue;
using Cloud.Sdk.Jobs;

namespace Cloud.Jobs.Tests.Runner;

/// <summary>
/// A queue whose first <paramref name="losses"/> completions fail as if the lock had run out first (a slow network, a
/// paused process): the message stays on the queue and is delivered again once its lock runs out — a redelivery of
/// a job that already ran.
/// </summary>
internal sealed class LockLosingQueue(IJobQueue inner, int losses) : IJobQueue
{
    private int _completions;

    private bool LoseNext() => Interlocked.Increment(ref _completions) <= losses;

    public string Description => inner.Description;

    public Task EnqueueAsync(JobMessage message, TimeSpan delay, CancellationToken cancellationToken) => inner.EnqueueAsync(message, delay, cancellationToken);

    public async Task<IJobLease?> ReceiveAsync(TimeSpan wait, CancellationToken cancellationToken) =>
        await inner.ReceiveAsync(wait, cancellationToken) is { } lease ? new Lease(lease, this) : null;

    public Task<IReadOnlyList<DeadLetteredMessage>> PeekDeadLettersAsync(int max, CancellationToken cancellationToken) => inner.PeekDeadLettersAsync(max, cancellationToken);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private sealed class Lease(IJobLease inner, LockLosingQueue queue) : IJobLease
    {
        public JobMessage Message => inner.Message;

        public int DeliveryCount => inner.DeliveryCount;

        public Task RenewAsync(CancellationToken cancellationToken) => inner.RenewAsync(cancellationToken);

        public Task CompleteAsync(CancellationToken cancellationToken) =>
            queue.LoseNext() ? throw new JobLockLostException("the lock ran out before the complete arrived") : inner.CompleteAsync(cancellationToken);

        public Task RetryAsync(TimeSpan backoff, CancellationToken cancellationToken) => inner.RetryAsync(backoff, cancellationToken);

        public Task DeadLetterAsync(string reason, string description, CancellationToken cancellationToken) => inner.DeadLetterAsync(reason, description, cancellationToken);
    }
}
