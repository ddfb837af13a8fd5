using System.Net;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using static Cloud.TestSupport.OnnxModelBuilder;

namespace Cloud.Host.Tests.Http;

/// <summary>
/// Readiness when one model cannot load: the host stays ready (the other models serve) and its answer names the
/// version that failed; the model's own readiness is 503 with the reason.
/// </summary>
public sealed class ReadinessHttpTests
{
    [Fact]
    public async Task AVersionThatCannotLoadIsNamedByTheHostsReadinessAndItsModelIsNotReady()
    {
        await using var first = await ServingHost.StartAsync();
        Assert.Contains("\"registration\":\"registered\"", await first.PushModelAsync("gone", "1.0.0", Identity(new Input("x", TensorElementType.Float, "n"))), StringComparison.Ordinal);
        // The registered copies the version serves from disappear (and the file cache) behind the registry's back.
        var files = Cloud.Registry.RegistryRows.FilesOf((await first.Registry.GetVersionRowAsync("gone", "1.0.0", CancellationToken.None))!)!;
        foreach (var sha256 in files.Sha256ByName.Values)
        {
            File.Delete(Path.Combine(first.DataDirectory, "models-registered", "sha256", sha256));
        }

        Directory.Delete(Path.Combine(first.DataDirectory, "cache", "gone"), recursive: true);

        // A new instance on the same store tries to load what routing targets.
        await using var second = await ServingHost.StartAsync(("Cloud:Storage:DataDirectory", first.DataDirectory));
        var ready = await second.Client.GetAsync("/v2/health/ready");
        var unavailable = JsonDocument.Parse(await ready.Content.ReadAsStringAsync()).RootElement.GetProperty("unavailable");
        var model = await second.Client.GetAsync("/v2/models/gone/ready");
        var iris = await second.Client.GetAsync("/v2/models/iris/ready");

        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        var entry = Assert.Single(unavailable.EnumerateArray());
        Assert.Equal(("gone", "1.0.0"), (entry.GetProperty("model").GetString(), entry.GetProperty("version").GetString()));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, model.StatusCode);
        var reason = JsonDocument.Parse(await model.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString();
        Assert.Equal("The registered copy of gone/1.0.0/model.json is no longer in the registered container.", reason);
        Assert.Equal(reason, entry.GetProperty("reason").GetString());
        Assert.Equal(HttpStatusCode.OK, iris.StatusCode);
    }
}
