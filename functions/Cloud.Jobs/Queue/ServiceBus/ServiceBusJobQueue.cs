using System.Threading.Channels;
using Azure.Messaging.ServiceBus;
using Cloud.Sdk.Jobs;

namespace Cloud.Jobs.Queue.ServiceBus;

/// <summary>
/// The jobs queue on an Azure Service Bus queue. Messages are taken by a <see cref="ServiceBusProcessor"/> in peek-lock
/// mode, which renews each message's lock by itself while its handler runs (a lock lasts at most 5 minutes, so long
/// jobs live on renewal, up to the job timeout). The processor pushes; the runner pulls: each message's handler hands
/// its lease to <see cref="ReceiveAsync"/> and waits, lock renewed, until the runner settles it. When the processor
/// stops first (the host is going down), the handler returns unsettled and the message comes back after its lock.
/// Max delivery count and the dead-letter sub-queue are the queue's own (set where the queue is created).
/// </summary>
internal sealed partial class ServiceBusJobQueue : IJobQueue
{
    private readonly ServiceBusClient _client;
    private readonly bool _ownsClient;
    private readonly ServiceBusSender _sender;
    private readonly ServiceBusProcessor _processor;
    private readonly string _queueName;
    private readonly TimeProvider _time;
    private readonly ILogger<ServiceBusJobQueue> _logger;
    private readonly Channel<ServiceBusJobLease> _received = Channel.CreateUnbounded<ServiceBusJobLease>();
    private readonly SemaphoreSlim _starting = new(1, 1);
    private bool _started;

    public ServiceBusJobQueue(ServiceBusClient client, JobsOptions options, TimeProvider time, ILogger<ServiceBusJobQueue> logger, bool ownsClient = false)
    {
        _client = client;
        _ownsClient = ownsClient;
        _queueName = options.QueueName;
        _time = time;
        _logger = logger;
        _sender = client.CreateSender(options.QueueName);
        _processor = client.CreateProcessor(options.QueueName, new ServiceBusProcessorOptions
        {
            ReceiveMode = ServiceBusReceiveMode.PeekLock,
            AutoCompleteMessages = false,
            MaxConcurrentCalls = options.Concurrency,
            // The runner ends a job at its timeout, so renewal need not outlive it; a lost handler stops holding the message then.
            MaxAutoLockRenewalDuration = options.JobTimeout + options.LockDuration,
            // A prefetched message's lock runs while it waits in the buffer, unrenewed: take only what is handled now.
            PrefetchCount = 0,
        });
        _processor.ProcessMessageAsync += OnMessageAsync;
        _processor.ProcessErrorAsync += OnErrorAsync;
        Description = $"servicebus:{client.FullyQualifiedNamespace}/{options.QueueName}";
    }

    public string Description { get; }

    public async Task EnqueueAsync(JobMessage message, TimeSpan delay, CancellationToken cancellationToken)
    {
        var sent = new ServiceBusMessage(JobMessages.Serialize(message))
        {
            // Duplicate detection (enabled on the queue) drops a second copy of the same attempt, not the next attempt.
            MessageId = JobMessages.MessageId(message),
            ContentType = "application/json",
            Subject = message.Kind,
        };
        if (delay > TimeSpan.Zero)
        {
            sent.ScheduledEnqueueTime = _time.GetUtcNow() + delay;
        }

        await _sender.SendMessageAsync(sent, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IJobLease?> ReceiveAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        await EnsureStartedAsync(cancellationToken).ConfigureAwait(false);
        if (_received.Reader.TryRead(out var ready))
        {
            return ready;
        }

        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        waiting.CancelAfter(wait);
        try
        {
            return await _received.Reader.ReadAsync(waiting.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    public async Task<IReadOnlyList<DeadLetteredMessage>> PeekDeadLettersAsync(int max, CancellationToken cancellationToken)
    {
        var receiver = _client.CreateReceiver(_queueName, new ServiceBusReceiverOptions { SubQueue = SubQueue.DeadLetter });
        await using (receiver.ConfigureAwait(false))
        {
            var peeked = await receiver.PeekMessagesAsync(max, cancellationToken: cancellationToken).ConfigureAwait(false);
            return peeked.Select(m => new DeadLetteredMessage(m.MessageId, JobMessages.TryDeserialize(m.Body.ToMemory().Span), m.DeadLetterReason, m.DeadLetterErrorDescription)).ToArray();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_started)
        {
            await _processor.StopProcessingAsync().ConfigureAwait(false);
        }

        await _processor.DisposeAsync().ConfigureAwait(false);
        await _sender.DisposeAsync().ConfigureAwait(false);
        if (_ownsClient)
        {
            await _client.DisposeAsync().ConfigureAwait(false);
        }

        _starting.Dispose();
    }

    private async Task EnsureStartedAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _started))
        {
            return;
        }

        // Started on the first receive, so a host that only submits jobs (the management API) never takes any.
        await _starting.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_started)
            {
                await _processor.StartProcessingAsync(cancellationToken).ConfigureAwait(false);
                Volatile.Write(ref _started, true);
            }
        }
        finally
        {
            _starting.Release();
        }
    }

    private async Task OnMessageAsync(ProcessMessageEventArgs args)
    {
        if (JobMessages.TryDeserialize(args.Message.Body.ToMemory().Span) is not { } message)
        {
            LogNotAJob(args.Message.MessageId, Description);
            await args.DeadLetterMessageAsync(args.Message, JobMessages.NotAJob, "The message body is not a job message.", args.CancellationToken).ConfigureAwait(false);
            return;
        }

        var lease = new ServiceBusJobLease(args, message, this);
        await _received.Writer.WriteAsync(lease, args.CancellationToken).ConfigureAwait(false);
        try
        {
            // The processor renews the lock for as long as this handler has not returned.
            await lease.Settled.WaitAsync(args.CancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (args.CancellationToken.IsCancellationRequested)
        {
            // The processor is stopping with the message unsettled: its lock runs out and it is delivered again.
        }
    }

    private Task OnErrorAsync(ProcessErrorEventArgs args)
    {
        LogProcessorError(args.Exception, args.ErrorSource.ToString(), args.EntityPath);
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message {MessageId} of {Queue} is not a job message; dead-lettered")]
    private partial void LogNotAJob(string messageId, string queue);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Service Bus processor error while {ErrorSource} on {EntityPath}")]
    private partial void LogProcessorError(Exception error, string errorSource, string entityPath);
}
