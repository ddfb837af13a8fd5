using Cloud.Sdk.Jobs;
using Cloud.Sdk.Models;
using Cloud.Sdk.Prediction;
using Cloud.Sdk.Tests.Hosting;

namespace Cloud.Sdk.Tests.Clients;

/// <summary>One real local host on loopback for a test class, and the three clients pointed at it with the admin key.</summary>
public sealed class HostFixture : IAsyncLifetime
{
    public LoopbackHost Host { get; private set; } = null!;

    public ModelsClient Models { get; private set; } = null!;

    public PredictionClient Prediction { get; private set; } = null!;

    public JobsClient Jobs { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Host = await LoopbackHost.StartAsync();
        var credential = CloudCredential.AdminKey(LoopbackHost.AdminKey);
        Models = new ModelsClient(Host.Endpoint, new ModelsClientOptions { Credential = credential });
        Prediction = new PredictionClient(Host.Endpoint, new PredictionClientOptions { Credential = credential });
        Jobs = new JobsClient(Host.Endpoint, new JobsClientOptions { Credential = credential, PollInterval = TimeSpan.FromMilliseconds(50) });
    }

    public async Task DisposeAsync()
    {
        Models.Dispose();
        Prediction.Dispose();
        Jobs.Dispose();
        await Host.DisposeAsync();
    }
}
