namespace Cloud.Registry.Stores;

/// <summary>Creates the container and tables at start (a no-op when they exist), before anything else uses them.</summary>
internal sealed class StoreInitializer(CloudStores stores) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => stores.CreateIfMissingAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
