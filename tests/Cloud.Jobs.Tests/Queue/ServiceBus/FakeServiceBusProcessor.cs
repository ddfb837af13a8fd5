using System.Collections.Concurrent;
using Azure.Messaging.ServiceBus;

namespace Cloud.Jobs.Tests.Queue.ServiceBus;

/// <summary>
/// The SDK's processor as a test double: it takes messages from the fake queue, at most MaxConcurrentCalls at once, and
/// raises them through <see cref="ServiceBusProcessor.OnProcessMessageAsync"/> (the SDK's hook for tests) into the
/// handler our backend registered. Stopping cancels the handlers' token and waits for them, as the SDK does.
/// </summary>
internal sealed class FakeServiceBusProcessor(FakeServiceBusQueue queue, ServiceBusProcessorOptions options, ServiceBusReceiver receiver) : ServiceBusProcessor
{
    private readonly ConcurrentDictionary<Task, bool> _handlers = new();
    private CancellationTokenSource? _stop;
    private Task? _loop;

    public ServiceBusProcessorOptions Options => options;

    public bool Started => _stop is not null;

    public override Task StartProcessingAsync(CancellationToken cancellationToken = default)
    {
        _stop = new CancellationTokenSource();
        _loop = Task.Run(() => LoopAsync(_stop.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public override async Task StopProcessingAsync(CancellationToken cancellationToken = default)
    {
        if (_stop is null || _stop.IsCancellationRequested)
        {
            return;
        }

        await _stop.CancelAsync();
        await _loop!;
        await Task.WhenAll(_handlers.Keys);
    }

    public override async Task CloseAsync(CancellationToken cancellationToken = default)
    {
        await StopProcessingAsync(cancellationToken);
        _stop?.Dispose();
        _stop = null;
    }

    private async Task LoopAsync(CancellationToken stop)
    {
        using var slots = new SemaphoreSlim(options.MaxConcurrentCalls);
        while (!stop.IsCancellationRequested)
        {
            await slots.WaitAsync(CancellationToken.None);
            if (stop.IsCancellationRequested || queue.TryLock() is not { } message)
            {
                slots.Release();
                await Task.Delay(10, CancellationToken.None);
                continue;
            }

            var handler = Task.Run(async () =>
            {
                try
                {
                    await OnProcessMessageAsync(new ProcessMessageEventArgs(message, receiver, stop));
                }
                finally
                {
                    queue.HandlerReturned(message.LockTokenGuid());
                    slots.Release();
                }
            }, CancellationToken.None);
            _handlers[handler] = true;
            _ = handler.ContinueWith(done => _handlers.TryRemove(done, out _), TaskScheduler.Default);
        }
    }
}
