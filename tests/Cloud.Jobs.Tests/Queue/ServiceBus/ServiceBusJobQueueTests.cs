using Azure.Messaging.ServiceBus;
using Cloud.Jobs.Queue;
using Cloud.Jobs.Queue.ServiceBus;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cloud.Jobs.Tests.Queue.ServiceBus;

/// <summary>
/// The queue contract on the Service Bus backend, through the SDK's test doubles over one fake queue (every case of the
/// contract can be said this way), and what the backend asks of Service Bus itself.
/// </summary>
public sealed class ServiceBusJobQueueTests : JobQueueContract
{
    private readonly FakeServiceBusQueue _queue;
    private readonly FakeServiceBusClient _client;

    public ServiceBusJobQueueTests()
    {
        _queue = new FakeServiceBusQueue(Clock, Options.LockDuration, Options.MaxDeliveryCount);
        _client = new FakeServiceBusClient(_queue);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await _client.DisposeAsync();
    }

    [Fact]
    public async Task AMessageCarriesItsIdAndAttemptAsMessageIdAndADelayAsItsScheduledTime()
    {
        var queue = Open();

        await queue.EnqueueAsync(Job("job-1"), TimeSpan.Zero, CancellationToken.None);
        await queue.EnqueueAsync(Job("job-1", attempt: 2), TimeSpan.FromMinutes(3), CancellationToken.None);

        Assert.Equal(["job-1:1", "job-1:2"], _queue.Sent.Select(m => m.MessageId));
        Assert.Equal(("validate", "application/json"), (_queue.Sent[0].Subject, _queue.Sent[0].ContentType));
        Assert.Equal(default, _queue.Sent[0].ScheduledEnqueueTime);
        Assert.Equal(Clock.GetUtcNow() + TimeSpan.FromMinutes(3), _queue.Sent[1].ScheduledEnqueueTime);
    }

    [Fact]
    public async Task TheProcessorPeekLocksWithoutAutoCompleteOrPrefetchAndRenewsLocksForTheWholeJobTimeout()
    {
        var queue = Open();
        Assert.False(Assert.Single(_client.Processors).Started); // a host that only submits never takes messages

        await queue.ReceiveAsync(Nothing, CancellationToken.None);

        var processor = Assert.Single(_client.Processors);
        Assert.True(processor.Started);
        Assert.Equal(ServiceBusReceiveMode.PeekLock, processor.Options.ReceiveMode);
        Assert.False(processor.Options.AutoCompleteMessages);
        Assert.Equal(0, processor.Options.PrefetchCount);
        Assert.Equal(Options.Concurrency, processor.Options.MaxConcurrentCalls);
        Assert.Equal(Options.JobTimeout + Options.LockDuration, processor.Options.MaxAutoLockRenewalDuration);
    }

    internal override IJobQueue Create() => new ServiceBusJobQueue(_client, Options, Clock, NullLogger<ServiceBusJobQueue>.Instance);

    internal override Task StopAsync(IJobQueue queue) => queue.DisposeAsync().AsTask();

    internal override Task EnqueueRawAsync(IJobQueue queue, string messageId, byte[] body)
    {
        _queue.Send(new ServiceBusMessage(body) { MessageId = messageId });
        return Task.CompletedTask;
    }
}
