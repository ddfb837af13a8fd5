using System.Net;
using System.Text.Json;
using static Cloud.TestSupport.OnnxModelBuilder;

namespace Cloud.Host.Tests.Http;

/// <summary>
/// A registered model whose tensors the JSON protocols cannot carry (bfloat16 here) is a client's problem to hear about,
/// not a server failure: every request is refused with 400 naming the input, never 503 "could not be loaded" for ever.
/// </summary>
public sealed class UnservableModelHttpTests : IAsyncLifetime
{
    private ServingHost _host = null!;

    public async Task InitializeAsync()
    {
        _host = await ServingHost.StartAsync();
        var onnx = OnnxModelBuilder.Identity(new Input("x", TensorElementType.BFloat16, "n"));
        Assert.Contains("\"registration\":\"registered\"", await _host.PushModelAsync("bf16", "1.0.0", onnx), StringComparison.Ordinal);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task ARequestIsRefusedWith400NamingTheInputAndTheVersionStillLoads()
    {
        var response = await _host.Client.PostAsync("/v2/models/bf16/infer",
            new StringContent("""{"inputs": [{"name": "x", "shape": [1], "datatype": "FP32", "data": [1.0]}]}"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString();
        Assert.Equal("Input 'x' has element type bfloat16, which Cloud cannot serve.", error);
        var status = JsonDocument.Parse(await _host.Client.GetStringAsync("/api/status")).RootElement.GetProperty("loaded")
            .EnumerateArray().Single(v => v.GetProperty("model").GetString() == "bf16");
        Assert.Equal("available", status.GetProperty("state").GetString());
        // Nothing could feed it, so nothing ran: the warm-up says why, in the words a request gets.
        Assert.Equal("none", status.GetProperty("warmUp").GetProperty("source").GetString());
        Assert.Equal(error, status.GetProperty("warmUp").GetProperty("problem").GetString());
    }
}
