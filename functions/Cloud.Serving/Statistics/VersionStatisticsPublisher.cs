using Cloud.Registry.Traffic;
using Cloud.Serving.Http;

namespace Cloud.Serving.Statistics;

/// <summary>
/// Publishes this process's per-version counts to the shared store every <see cref="ServingOptions.StatisticsPublishInterval"/>
/// and once more when the host stops: one blob per version this process answered for, rewritten only when its counts
/// moved. A promote job in another process (a worker) reads them; a failed write is logged and tried at the next tick.
/// </summary>
internal sealed partial class VersionStatisticsPublisher(VersionRequestStatistics statistics, VersionTrafficStore store, ServingOptions options, TimeProvider time,
    ILogger<VersionStatisticsPublisher> logger) : BackgroundService
{
    private readonly Dictionary<(string, string), long> _published = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.StatisticsPublishInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                await PublishAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        // The last counts of a host that stops: a soak judged later still sees its requests.
        await PublishAsync(CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>Writes the counts of every version whose requests moved since the last write.</summary>
    public async Task PublishAsync(CancellationToken cancellationToken)
    {
        foreach (var (model, version, traffic) in statistics.Read())
        {
            if (_published.GetValueOrDefault((model, version)) == traffic.Requests)
            {
                continue;
            }

            try
            {
                await store.PublishAsync(new VersionTrafficSnapshot(model, version, statistics.Instance, time.GetUtcNow(), traffic), cancellationToken).ConfigureAwait(false);
                _published[(model, version)] = traffic.Requests;
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                LogPublishFailed(model, version, error.Message);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not publish the request statistics of {Model} {Version}: {Reason}; the next tick tries again")]
    private partial void LogPublishFailed(string model, string version, string reason);
}
