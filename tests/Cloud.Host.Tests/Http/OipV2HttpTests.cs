using System.Net;
using System.Text.Json;

namespace Cloud.Host.Tests.Http;

public sealed class OipV2HttpTests : IAsyncLifetime
{
    private ServingHost _host = null!;

    public async Task InitializeAsync() => _host = await ServingHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task InferEchoesTheIdAndMatchesTheTrainersProbabilities()
    {
        var (rows, expected) = TfServingHttpTests.IrisValidation(3);
        var body = JsonSerializer.Serialize(new
        {
            id = "req-42",
            inputs = new[] { new { name = "features", shape = new[] { 3, 4 }, datatype = "FP32", data = rows.SelectMany(r => r).ToArray() } },
            outputs = new[] { new { name = "probabilities" } },
        });

        var response = await _host.Client.PostAsync("/v2/models/iris/infer", new StringContent(body));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("1.0.0", response.Headers.GetValues("X-Cloud-Model-Version").Single());
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(("iris", "1.0.0", "req-42"), (json.GetProperty("model_name").GetString(), json.GetProperty("model_version").GetString(), json.GetProperty("id").GetString()));
        var output = Assert.Single(json.GetProperty("outputs").EnumerateArray());
        Assert.Equal("probabilities", output.GetProperty("name").GetString());
        Assert.Equal("FP32", output.GetProperty("datatype").GetString());
        Assert.Equal([3L, 3L], output.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
        var data = output.GetProperty("data").EnumerateArray().Select(d => d.GetDouble()).ToArray();
        for (var i = 0; i < 9; i++)
        {
            Assert.True(Math.Abs(data[i] - expected[i / 3].Probabilities[i % 3]) < 1e-5, $"value {i}");
        }
    }

    [Fact]
    public async Task HealthMetadataAndReadinessAnswer()
    {
        Assert.Equal(HttpStatusCode.OK, (await _host.Client.GetAsync("/v2/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _host.Client.GetAsync("/v2/health/ready")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _host.Client.GetAsync("/v2/models/iris/ready")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _host.Client.GetAsync("/v2/models/iris/versions/1.0.0/ready")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _host.Client.GetAsync("/v2/models/nope/ready")).StatusCode);

        var server = JsonDocument.Parse(await _host.Client.GetStringAsync("/v2")).RootElement;
        var model = JsonDocument.Parse(await _host.Client.GetStringAsync("/v2/models/iris")).RootElement;

        Assert.Equal("cloud", server.GetProperty("name").GetString());
        Assert.Equal("onnx_onnxv1", model.GetProperty("platform").GetString());
        Assert.Equal(["1.0.0"], model.GetProperty("versions").EnumerateArray().Select(v => v.GetString()));
        var input = Assert.Single(model.GetProperty("inputs").EnumerateArray());
        Assert.Equal(("features", "FP32"), (input.GetProperty("name").GetString(), input.GetProperty("datatype").GetString()));
        Assert.Equal([-1L, 4L], input.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
    }

    [Theory]
    [InlineData("""{"inputs": [{"name": "features", "shape": [1, 4], "datatype": "FP64", "data": [1, 2, 3, 4]}]}""", 400, "Input 'features' expects datatype FP32; got FP64.")]
    [InlineData("""{"inputs": [{"name": "features", "shape": [1, 4], "datatype": "FP32", "data": [1, 2, 3]}]}""", 400, "Input 'features' has shape [1,4] (4 values) but its \"data\" holds 3.")]
    [InlineData("""{"inputs": [{"name": "petals", "shape": [1, 4], "datatype": "FP32", "data": [1, 2, 3, 4]}]}""", 400, "Unknown input 'petals'; the model's inputs are: features.")]
    public async Task BadInferRequestsAre400WithTheCodecsMessage(string body, int status, string message)
    {
        var response = await _host.Client.PostAsync("/v2/models/iris/infer", new StringContent(body));

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(message, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString());
    }

    [Fact]
    public async Task AnUnknownVersionIs404()
    {
        var response = await _host.Client.PostAsync("/v2/models/iris/versions/3.0.0/infer",
            new StringContent("""{"inputs": [{"name": "features", "shape": [1, 4], "datatype": "FP32", "data": [1, 2, 3, 4]}]}"""));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("Model 'iris' has no version '3.0.0'.", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString());
    }
}
