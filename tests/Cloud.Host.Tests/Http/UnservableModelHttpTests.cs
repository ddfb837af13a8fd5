using System.Net;
using System.Text.Json;
using static Cloud.TestSupport.OnnxModelBuilder;

namespace Cloud.Host.Tests.Http;

/// <summary>
/// A registered model whose tensors JSON cannot carry (bfloat16 here) is a client's problem to hear about, not a server
/// failure: a JSON request is refused with 400 naming the input and where it can travel, never 503 "could not be
/// loaded" for ever; and the binary tensor data extension carries it (issue 23).
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
    public async Task AJsonRequestIsRefusedWith400NamingTheInputAndABinaryOneIsAnswered()
    {
        var json = await _host.Client.PostAsync("/v2/models/bf16/infer",
            new StringContent("""{"inputs": [{"name": "x", "shape": [1], "datatype": "BF16", "data": [1.0]}]}"""));
        var header = """{"inputs": [{"name": "x", "shape": [2], "datatype": "BF16", "parameters": {"binary_data_size": 4}}], "parameters": {"binary_data_output": true}}"""u8.ToArray();
        // bfloat16 1.0 is 0x3F80 and -2.5 is 0xC020, little-endian.
        byte[] values = [0x80, 0x3F, 0x20, 0xC0];
        using var binary = new HttpRequestMessage(HttpMethod.Post, "/v2/models/bf16/infer") { Content = new ByteArrayContent([.. header, .. values]) };
        binary.Headers.Add("Inference-Header-Content-Length", header.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var answer = await _host.Client.SendAsync(binary);

        Assert.Equal(HttpStatusCode.BadRequest, json.StatusCode);
        Assert.Equal("Input 'x' is bfloat16, which JSON cannot carry: send it as binary data (binary_data_size, the binary tensor data extension) or in gRPC's raw_input_contents (docs/grpc.md).",
            JsonDocument.Parse(await json.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var body = await answer.Content.ReadAsByteArrayAsync();
        var jsonLength = int.Parse(answer.Headers.GetValues("Inference-Header-Content-Length").Single(), System.Globalization.CultureInfo.InvariantCulture);
        var output = JsonDocument.Parse(body.AsMemory(0, jsonLength)).RootElement.GetProperty("outputs")[0];
        Assert.Equal(("BF16", 4), (output.GetProperty("datatype").GetString(), output.GetProperty("parameters").GetProperty("binary_data_size").GetInt32()));
        Assert.Equal(values, body[jsonLength..]);
        var status = JsonDocument.Parse(await _host.Client.GetStringAsync("/api/status")).RootElement.GetProperty("loaded")
            .EnumerateArray().Single(v => v.GetProperty("model").GetString() == "bf16");
        Assert.Equal("available", status.GetProperty("state").GetString());
    }
}
