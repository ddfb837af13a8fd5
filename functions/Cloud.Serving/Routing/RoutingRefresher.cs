using Cloud.Serving.Hosting;

namespace Cloud.Serving.Routing;

/// <summary>
/// Rebuilds routing from the registry on a fixed interval, so label and traffic changes made directly in storage
/// (by another replica, a job, or a person with a storage tool) reach serving within a bounded delay. The first
/// pass runs at start and loads every routed version before the host reports ready.
/// </summary>
internal sealed partial class RoutingRefresher(ModelRouter router, RoutingOptions options, TimeProvider time, ILogger<RoutingRefresher> logger) : BackgroundService, IReadinessSignal
{
    private readonly TaskCompletionSource _firstPass = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the first pass (with its preloads) has finished.</summary>
    public Task FirstPass => _firstPass.Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.RefreshInterval, time);
        do
        {
            try
            {
                await router.RefreshAllAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                LogFailed(error.Message);
            }

            _firstPass.TrySetResult();
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Routing refresh failed: {Reason}")]
    private partial void LogFailed(string reason);
}
