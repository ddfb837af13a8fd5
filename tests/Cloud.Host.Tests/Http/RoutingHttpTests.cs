using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Cloud.Host.Tests.Http;

/// <summary>Routing through the real host: labels, traffic splits, sticky keys, and label moves under load.</summary>
public sealed class RoutingHttpTests : IAsyncLifetime
{
    private const string Body = """{"instances": [[5.1, 3.5, 1.4, 0.2]]}""";
    private ServingHost _host = null!;

    public async Task InitializeAsync()
    {
        _host = await ServingHost.StartAsync();
        // A second version of iris (same model file, so answers are identical and only the version differs).
        var pushed = await _host.PushFolderAsync("iris", "2.0.0", Repo.IrisFolder);
        Assert.Contains("\"registration\":\"registered\"", pushed, StringComparison.Ordinal);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task WithoutLabelsTheNewestVersionServesAndAnExplicitVersionWins()
    {
        var newest = await PredictAsync("/v1/models/iris:predict");
        var explicitOld = await PredictAsync("/v1/models/iris/versions/1.0.0:predict");

        Assert.Equal(("2.0.0", "newest"), newest);
        Assert.Equal(("1.0.0", "version"), explicitOld);
    }

    [Fact]
    public async Task StableServesUnaddressedTrafficAndLabelsCanBeAddressed()
    {
        await SetLabelAsync("stable", "1.0.0");
        await SetLabelAsync("canary", "2.0.0");

        Assert.Equal(("1.0.0", "stable"), await PredictAsync("/v1/models/iris:predict"));
        Assert.Equal(("2.0.0", "label:canary"), await PredictAsync("/v1/models/iris/labels/canary:predict"));
        Assert.Equal(("1.0.0", "label:stable"), await PredictAsync("/v1/models/iris/labels/stable:predict"));
    }

    [Fact]
    public async Task ATrafficSplitHoldsItsProportionsOverManyRequests()
    {
        await SetLabelAsync("stable", "1.0.0");
        await SetLabelAsync("canary", "2.0.0");
        await SetPolicyAsync(new Dictionary<string, int> { ["stable"] = 80, ["canary"] = 20 });

        const int requests = 2000;
        var canary = 0;
        for (var i = 0; i < requests; i++)
        {
            var (version, route) = await PredictAsync("/v1/models/iris:predict");
            Assert.StartsWith("traffic:", route, StringComparison.Ordinal);
            canary += version == "2.0.0" ? 1 : 0;
        }

        // Binomial(2000, 0.2): standard deviation 0.9 %; 4 deviations either side would fail once in ~16,000 runs.
        var share = canary / (double)requests;
        Assert.InRange(share, 0.2 - 0.036, 0.2 + 0.036);
    }

    [Fact]
    public async Task ARoutingKeyKeepsACallerOnOneSideOfTheSplit()
    {
        await SetLabelAsync("stable", "1.0.0");
        await SetLabelAsync("canary", "2.0.0");
        await SetPolicyAsync(new Dictionary<string, int> { ["stable"] = 50, ["canary"] = 50 });

        var sides = new Dictionary<string, HashSet<string>>();
        for (var user = 0; user < 40; user++)
        {
            var key = $"user-{user}";
            sides[key] = [];
            for (var i = 0; i < 10; i++)
            {
                sides[key].Add((await PredictAsync("/v1/models/iris:predict", key)).Version);
            }
        }

        Assert.All(sides.Values, versions => Assert.Single(versions));
        // 40 keys on a 50/50 split: both sides get some (all on one side would be a 1 in 2^39 event).
        Assert.Equal(2, sides.Values.Select(v => v.Single()).Distinct().Count());
    }

    [Fact]
    public async Task LabelMovesUnderContinuousLoadFailNoRequestAndEveryResponseNamesItsVersion()
    {
        await SetLabelAsync("stable", "1.0.0");
        using var stop = new CancellationTokenSource();
        var failures = new ConcurrentBag<string>();
        var served = new ConcurrentDictionary<string, int>();
        var load = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var response = await _host.Client.PostAsync("/v1/models/iris:predict", new StringContent(Body));
                if (!response.IsSuccessStatusCode || !response.Headers.TryGetValues("X-Cloud-Model-Version", out var versions))
                {
                    failures.Add($"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                    continue;
                }

                served.AddOrUpdate(versions.Single(), 1, (_, n) => n + 1);
            }
        })).ToArray();

        foreach (var target in new[] { "2.0.0", "1.0.0", "2.0.0", "1.0.0", "2.0.0" })
        {
            await SetLabelAsync("stable", target);
            await WaitForRouteAsync(target);
        }

        stop.Cancel();
        await Task.WhenAll(load);
        Assert.Empty(failures);
        Assert.True(served.GetValueOrDefault("1.0.0") > 0 && served.GetValueOrDefault("2.0.0") > 0, string.Join(", ", served));
    }

    private async Task WaitForRouteAsync(string version)
    {
        for (var i = 0; i < 500; i++)
        {
            if ((await PredictAsync("/v1/models/iris:predict")).Version == version)
            {
                return;
            }

            await Task.Delay(10);
        }

        throw new TimeoutException($"stable never routed to {version}");
    }

    [Fact]
    public async Task ALabelMadeSinceRoutingWasBuiltServesAtOnce()
    {
        // Written straight to the registry, as another host's management API would: this host's table does not have it.
        await _host.Registry.SetLabelAsync("iris", "edge", "1.0.0");

        Assert.Equal(("1.0.0", "label:edge"), await PredictAsync("/v1/models/iris/labels/edge:predict"));
    }

    private async Task<(string Version, string Route)> PredictAsync(string path, string? routingKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(Body) };
        if (routingKey is not null)
        {
            request.Headers.Add("X-Cloud-Routing-Key", routingKey);
        }

        var response = await _host.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (response.Headers.GetValues("X-Cloud-Model-Version").Single(), response.Headers.GetValues("X-Cloud-Route").Single());
    }

    private async Task SetLabelAsync(string label, string version)
    {
        var response = await _host.Client.PutAsJsonAsync($"/api/models/iris/labels/{label}", new { version });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        await _host.Router.RefreshAsync("iris", CancellationToken.None);
    }

    private async Task SetPolicyAsync(Dictionary<string, int> traffic)
    {
        var response = await _host.Client.PutAsJsonAsync("/api/models/iris/policy", new { traffic });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        await _host.Router.RefreshAsync("iris", CancellationToken.None);
    }
}
