using Azure.Messaging.ServiceBus;

namespace Cloud.Jobs.Tests.Queue.ServiceBus;

/// <summary>
/// The SDK's client as a test double (its protected constructor and virtual members are there for this): senders,
/// processors and receivers over one <see cref="FakeServiceBusQueue"/>. The processors it made are kept, so a test can
/// read the options our backend gave them.
/// </summary>
internal sealed class FakeServiceBusClient(FakeServiceBusQueue queue) : ServiceBusClient
{
    public List<FakeServiceBusProcessor> Processors { get; } = [];

    public override string FullyQualifiedNamespace => "fake.servicebus.windows.net";

#pragma warning disable CA2215 // The base closes an AMQP connection that a test double never opened.
    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
#pragma warning restore CA2215

    public override ServiceBusSender CreateSender(string queueOrTopicName) => new FakeSender(queue);

    public override ServiceBusProcessor CreateProcessor(string queueName, ServiceBusProcessorOptions options)
    {
        var processor = new FakeServiceBusProcessor(queue, options, new FakeReceiver(queue));
        Processors.Add(processor);
        return processor;
    }

    public override ServiceBusReceiver CreateReceiver(string queueName, ServiceBusReceiverOptions options) =>
        options.SubQueue == SubQueue.DeadLetter ? new FakeReceiver(queue) : throw new NotSupportedException("Only the dead-letter sub-queue is read through a receiver.");

    private sealed class FakeSender(FakeServiceBusQueue queue) : ServiceBusSender
    {
        public override Task SendMessageAsync(ServiceBusMessage message, CancellationToken cancellationToken = default)
        {
            queue.Send(message);
            return Task.CompletedTask;
        }

        public override Task CloseAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;
    }

    /// <summary>Settles through the queue by lock token, as the service does; reads the dead-letter sub-queue.</summary>
    internal sealed class FakeReceiver(FakeServiceBusQueue queue) : ServiceBusReceiver
    {
        public override Task CompleteMessageAsync(ServiceBusReceivedMessage message, CancellationToken cancellationToken = default) =>
            Run(() => queue.Complete(message.LockTokenGuid()));

        public override Task AbandonMessageAsync(ServiceBusReceivedMessage message, IDictionary<string, object>? propertiesToModify = null, CancellationToken cancellationToken = default) =>
            Run(() => queue.Abandon(message.LockTokenGuid()));

        public override Task DeadLetterMessageAsync(ServiceBusReceivedMessage message, string deadLetterReason, string? deadLetterErrorDescription = null, CancellationToken cancellationToken = default) =>
            Run(() => queue.DeadLetter(message.LockTokenGuid(), deadLetterReason, deadLetterErrorDescription));

        public override Task DeadLetterMessageAsync(ServiceBusReceivedMessage message, IDictionary<string, object>? propertiesToModify = null, CancellationToken cancellationToken = default) =>
            Run(() => queue.DeadLetter(message.LockTokenGuid(), null, null));

        public override Task DeadLetterMessageAsync(ServiceBusReceivedMessage message, IDictionary<string, object>? propertiesToModify, string deadLetterReason, string? deadLetterErrorDescription = null, CancellationToken cancellationToken = default) =>
            Run(() => queue.DeadLetter(message.LockTokenGuid(), deadLetterReason, deadLetterErrorDescription));

        public override Task RenewMessageLockAsync(ServiceBusReceivedMessage message, CancellationToken cancellationToken = default) =>
            Run(() => queue.Renew(message.LockTokenGuid()));

        public override Task<IReadOnlyList<ServiceBusReceivedMessage>> PeekMessagesAsync(int maxMessages, long? fromSequenceNumber = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(queue.PeekDeadLetters(maxMessages));

        public override Task CloseAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

        private static Task Run(Action call)
        {
            call();
            return Task.CompletedTask;
        }
    }
}

internal static class ReceivedMessages
{
    public static Guid LockTokenGuid(this ServiceBusReceivedMessage message) => Guid.Parse(message.LockToken);
}
