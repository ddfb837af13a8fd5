using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Cloud.Serving.Models;
using Microsoft.Extensions.DependencyInjection;

namespace Cloud.Host.Tests.Http;

/// <summary>Label moves that cannot load, and moves made behind the API's back.</summary>
public sealed class HotSwapTests : IAsyncLifetime
{
    private const string Body = """{"instances": [[5.1, 3.5, 1.4, 0.2]]}""";
    private ServingHost _host = null!;

    public async Task InitializeAsync() => _host = await ServingHost.StartAsync(("Cloud:Routing:RefreshInterval", "00:00:00.100"));

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task AVersionThatFailsToLoadIsReportedAndTrafficStaysWhereItWas()
    {
        // stable routes unaddressed traffic, so 2.0.0 is registered but not loaded (nothing routes to it yet).
        await _host.Client.PutAsJsonAsync("/api/models/iris/labels/stable", new { version = "1.0.0" });
        await _host.Router.RefreshAsync("iris", CancellationToken.None);
        await _host.PushFolderAsync("iris", "2.0.0", Repo.IrisFolder);
        // 2.0.0's validate job writes its verdict on the version's row; a label move racing that write answers 412.
        await _host.WaitForJobsAsync();
        // Someone overwrites the registered copy of 2.0.0's model file (not its folder, whose uploads serving never reads)
        // after 1.0.0 loaded from the same copy: 2.0.0's hash no longer matches.
        var sha256 = (await _host.Registry.GetVersionAsync("iris", "2.0.0"))!.Sha256!;
        await _host.App.Services.GetRequiredService<Cloud.Registry.Stores.CloudStores>().Registered
            .PutAsync(Cloud.Registry.Registered.RegisteredContent.PathOf(sha256), new MemoryStream(File.ReadAllBytes(SampleModels.Tiny("metadata.onnx"))));

        var moved = await _host.Client.PutAsJsonAsync("/api/models/iris/labels/stable", new { version = "2.0.0" });
        await _host.Router.RefreshAsync("iris", CancellationToken.None);
        var response = await _host.Client.PostAsync("/v1/models/iris:predict", new StringContent(Body));
        var status = JsonDocument.Parse(await _host.Client.GetStringAsync("/api/status")).RootElement;

        Assert.Equal(HttpStatusCode.OK, moved.StatusCode); // the registry accepted the move...
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("1.0.0", response.Headers.GetValues("X-Cloud-Model-Version").Single()); // ...but traffic stayed
        var failed = status.GetProperty("loaded").EnumerateArray().Single(l => l.GetProperty("version").GetString() == "2.0.0");
        Assert.Equal("failed", failed.GetProperty("state").GetString());
        Assert.Contains("has SHA-256", failed.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ALabelMovedDirectlyInStorageReachesServingWithinTheRefreshInterval()
    {
        await _host.PushFolderAsync("iris", "2.0.0", Repo.IrisFolder);
        await _host.WaitForJobsAsync();
        await _host.Registry.SetLabelAsync("iris", "stable", "1.0.0");
        await WaitForVersionAsync("1.0.0");

        // Not through the API: straight into the registry, as another replica or a job would.
        await _host.Registry.SetLabelAsync("iris", "stable", "2.0.0");

        await WaitForVersionAsync("2.0.0");
    }

    private async Task WaitForVersionAsync(string version)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            var response = await _host.Client.PostAsync("/v1/models/iris:predict", new StringContent(Body));
            if (response.Headers.GetValues("X-Cloud-Model-Version").Single() == version)
            {
                return;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException($"serving never moved to {version}");
    }
}
