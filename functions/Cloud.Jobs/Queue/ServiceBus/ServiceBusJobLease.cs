using Azure.Messaging.ServiceBus;
using Cloud.Sdk.Jobs;

namespace Cloud.Jobs.Queue.ServiceBus;

/// <summary>A message the processor is handling; settling it lets the processor's handler return.</summary>
internal sealed class ServiceBusJobLease(ProcessMessageEventArgs args, JobMessage message, ServiceBusJobQueue queue) : IJobLease
{
    // Service Bus keeps at most 4,096 characters of a dead-letter reason or description.
    private const int MaxDeadLetterText = 4096;

    private readonly TaskCompletionSource _settled = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public JobMessage Message => message;

    public int DeliveryCount => args.Message.DeliveryCount;

    /// <summary>Completes when the lease is settled.</summary>
    public Task Settled => _settled.Task;

    public Task RenewAsync(CancellationToken cancellationToken) => MapLockLostAsync(() => args.RenewMessageLockAsync(args.Message, cancellationToken));

    public Task CompleteAsync(CancellationToken cancellationToken) => SettleAsync(() => args.CompleteMessageAsync(args.Message, cancellationToken));

    public Task RetryAsync(TimeSpan backoff, CancellationToken cancellationToken) => SettleAsync(async () =>
    {
        // An abandoned message cannot be delayed, so the retry is the next attempt, scheduled; then this one is removed.
        // Should the complete fail, both exist: the runner drops the older attempt when the job row has moved past it.
        await queue.EnqueueAsync(message with { Attempt = message.Attempt + 1 }, backoff, cancellationToken).ConfigureAwait(false);
        await args.CompleteMessageAsync(args.Message, cancellationToken).ConfigureAwait(false);
    });

    public Task DeadLetterAsync(string reason, string description, CancellationToken cancellationToken) =>
        SettleAsync(() => args.DeadLetterMessageAsync(args.Message, Cut(reason), Cut(description), cancellationToken));

    private async Task SettleAsync(Func<Task> settle)
    {
        try
        {
            await MapLockLostAsync(settle).ConfigureAwait(false);
        }
        finally
        {
            // Settled or not, the runner is done with the message: the handler stops holding (and renewing) it, so a
            // message whose settlement failed comes back after its lock, and the job row tells the next runner what to do.
            _settled.TrySetResult();
        }
    }

    private static async Task MapLockLostAsync(Func<Task> call)
    {
        try
        {
            await call().ConfigureAwait(false);
        }
        catch (ServiceBusException error) when (error.Reason == ServiceBusFailureReason.MessageLockLost)
        {
            throw new JobLockLostException(error.Message, error);
        }
    }

    private static string Cut(string text) => text.Length <= MaxDeadLetterText ? text : text[..MaxDeadLetterText];
}
