using Cloud.Host.Tests.Http;

namespace Cloud.Host.Tests.Hostile;

/// <summary>
/// One host (embedded store, in-memory test server, the iris sample registered) for the whole hostile-input suite.
/// Its client goes through <see cref="NoServerErrors"/>, so any case the host answers with a 5xx fails, whatever it
/// asserts. Cases only refuse or read, or change names no other case uses, so they can share it.
/// </summary>
public sealed class HostileHost : IAsyncLifetime
{
    public ServingHost Host { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Host = await ServingHost.StartAsync();
        Client = NoServerErrors.ClientOf(Host);
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Host.DisposeAsync();
    }
}

/// <summary>The hostile-input suite shares one host (<see cref="HostileHost"/>).</summary>
[CollectionDefinition(Name)]
public sealed class HostileSuite : ICollectionFixture<HostileHost>
{
    public const string Name = "Hostile input";
}
