using System.Net;
using System.Text.Json;

namespace Cloud.Host.Tests.Http;

public sealed class PreloadTests
{
    [Theory]
    [InlineData(true, 1)]
    [InlineData(false, 0)]
    public async Task RoutedVersionsAreLoadedAtStartUnlessPreloadIsOff(bool preload, int loadedAtStart)
    {
        await using var host = await ServingHost.StartAsync(("Cloud:Routing:PreloadTargets", preload ? "true" : "false"));

        var atStart = JsonDocument.Parse(await host.Client.GetStringAsync("/api/status")).RootElement.GetProperty("loaded").GetArrayLength();
        var predicted = await host.Client.PostAsync("/v1/models/iris:predict", new StringContent("""{"instances": [[5.1, 3.5, 1.4, 0.2]]}"""));
        var afterFirst = JsonDocument.Parse(await host.Client.GetStringAsync("/api/status")).RootElement.GetProperty("loaded").GetArrayLength();

        Assert.Equal(loadedAtStart, atStart);
        Assert.Equal(HttpStatusCode.OK, predicted.StatusCode);
        Assert.Equal(1, afterFirst);
    }
}
