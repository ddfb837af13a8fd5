using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using static Cloud.TestSupport.OnnxModelBuilder;

namespace Cloud.Host.Tests.Http;

/// <summary>
/// Versions whose memory need passes the cache's limits are refused when they load, with the numbers, instead of
/// allocating them: a tiny model whose fixed input makes every request 40 GB, and a model file over the budget.
/// </summary>
public sealed class ModelMemoryHttpTests
{
    [Fact]
    public async Task AFixedInputNoRequestCouldFitAnswers503WithTheNumbers()
    {
        await using var host = await ServingHost.StartAsync();
        var registration = await host.PushModelAsync("huge", "1.0.0", Identity(new Input("x", TensorElementType.Float, 100_000L, 100_000L)));
        Assert.Contains("\"registration\":\"registered\"", registration, StringComparison.Ordinal);

        var response = await host.Client.PostAsync("/v2/models/huge/infer",
            new StringContent("""{"inputs": [{"name": "x", "shape": [1, 1], "datatype": "FP32", "data": [1]}]}"""));
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var needed = 100_000L * 100_000L * sizeof(float);
        Assert.Contains(
            $"huge 1.0.0 cannot serve any request: its inputs' fixed dimensions need at least {needed.ToString("N0", CultureInfo.InvariantCulture)} bytes per request " +
            $"(input 'x' float32 [100000,100000]), more than one run may use ({(2L << 30).ToString("N0", CultureInfo.InvariantCulture)} bytes, Cloud:Cache:RunMemoryLimitBytes).",
            error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AModelFileOverTheCacheBudgetIsNotLoadedAndItsReadinessSaysWhy()
    {
        await using var host = await ServingHost.StartAsync(("Cloud:Cache:MemoryBudgetBytes", "1000"));
        var fileBytes = new FileInfo(Path.Combine(Repo.Root, "samples", "models", "iris", "model.onnx")).Length;

        var ready = await host.Client.GetAsync("/v2/models/iris/ready");
        var error = JsonDocument.Parse(await ready.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal(
            $"iris 1.0.0 needs an estimated {((long)(fileBytes * 2.5)).ToString("N0", CultureInfo.InvariantCulture)} bytes of memory " +
            $"({fileBytes.ToString("N0", CultureInfo.InvariantCulture)}-byte model file × 2.5 per byte, Cloud:Cache:MemoryPerModelByte), " +
            "more than the cache's budget of 1,000 bytes (Cloud:Cache:MemoryBudgetBytes).",
            error);
    }
}
