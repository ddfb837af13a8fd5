using System.Net;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using static Cloud.TestSupport.OnnxModelBuilder;

namespace Cloud.Host.Tests.Http;

/// <summary>
/// Models whose tensors are not rows of a batch, registered and called over HTTP as a user would: broadcasting
/// inputs, a scalar, an empty tensor, no inputs at all; and the metadata that says whether a version batches.
/// </summary>
public sealed class TensorShapeHttpTests : IAsyncLifetime
{
    private ServingHost _host = null!;

    public async Task InitializeAsync()
    {
        _host = await ServingHost.StartAsync();
        (string Name, byte[] Onnx)[] models =
        [
            ("bcast", Binary("Add", new Input("a", TensorElementType.Float, 3L, 4L), new Input("b", TensorElementType.Float, 4L))),
            ("scalar", Binary("Add", new Input("x", TensorElementType.Float, "n"), new Input("s", TensorElementType.Float))),
            ("rows", OnnxModelBuilder.Identity(new Input("x", TensorElementType.Float, "batch", 4L))),
            ("constant", Constant([1.5f, -2f, 7f], 3)),
            ("expand", Binary("Expand", new Input("x", TensorElementType.Float, "a", "b"), new Input("shape", TensorElementType.Int64, 2L))),
        ];
        foreach (var (name, onnx) in models)
        {
            Assert.Contains("\"registration\":\"registered\"", await _host.PushModelAsync(name, "1.0.0", onnx), StringComparison.Ordinal);
        }
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task ABroadcastingAddReturnsTheSums()
    {
        var a = Enumerable.Range(0, 12).Select(i => (float)i).ToArray();
        float[] b = [100, 200, 300, 400];

        var output = await InferAsync("bcast", Tensor("a", [3, 4], a), Tensor("b", [4], b));

        Assert.Equal([3L, 4L], Shape(output));
        Assert.Equal(Enumerable.Range(0, 12).Select(i => (double)(i + b[i % 4])), Data(output));
    }

    [Fact]
    public async Task AScalarInputWorksInOipV2AndTfServingColumnar()
    {
        var v2 = await InferAsync("scalar", Tensor("x", [3], [1, 2, 3]), Tensor("s", [], [10]));
        var tf = await _host.Client.PostAsync("/v1/models/scalar:predict", new StringContent("""{"inputs": {"x": [1, 2, 3], "s": 0.5}}"""));

        Assert.Equal([11.0, 12.0, 13.0], Data(v2));
        Assert.Equal(HttpStatusCode.OK, tf.StatusCode);
        Assert.Equal([1.5, 2.5, 3.5], JsonDocument.Parse(await tf.Content.ReadAsStringAsync()).RootElement.GetProperty("outputs").EnumerateArray().Select(v => v.GetDouble()));
    }

    [Fact]
    public async Task AnEmptyTensorGivesAnEmptyOutput()
    {
        var output = await InferAsync("rows", Tensor("x", [0, 4], []));

        Assert.Equal([0L, 4L], Shape(output));
        Assert.Empty(Data(output));
    }

    [Fact]
    public async Task AModelWithoutInputsAnswersItsConstant()
    {
        var output = await InferAsync("constant");

        Assert.Equal([3L], Shape(output));
        Assert.Equal([1.5, -2.0, 7.0], Data(output));
    }

    [Fact]
    public async Task AFixedDimensionThatDiffersIs400NamingTheInputItsShapeAndWhatCame()
    {
        var body = Body(Tensor("a", [3, 4], new float[12]), Tensor("b", [5], new float[5]));

        var response = await _host.Client.PostAsync("/v2/models/bcast/infer", new StringContent(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("Input 'b' expects FP32 [4]; got shape [5].", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString());
    }

    [Fact]
    public async Task AnExpandToTheShapeTheRequestGivesRuns()
    {
        var output = await InferAsync("expand", Tensor("x", [1, 1], [1.5f]), new { name = "shape", shape = new[] { 2 }, datatype = "INT64", data = new[] { 2, 3 } });

        Assert.Equal([2L, 3L], Shape(output));
        Assert.Equal(Enumerable.Repeat(1.5, 6), Data(output));
    }

    [Fact]
    public async Task AShapeAskingForMoreMemoryThanARunMayUseIs400WithTheNumbersAndTheHostServesOn()
    {
        // 100,000 × 100,000 float32 = 40,000,000,000 bytes, from a body of a few dozen bytes.
        var body = Body(Tensor("x", [1, 1], [1f]), new { name = "shape", shape = new[] { 2 }, datatype = "INT64", data = new[] { 100_000, 100_000 } });

        var response = await _host.Client.PostAsync("/v2/models/expand/infer", new StringContent(body));
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("needs a tensor of 40,000,000,000 bytes", error, StringComparison.Ordinal);
        Assert.Contains($"({2L * 1024 * 1024 * 1024:N0} bytes, Cloud:Cache:RunMemoryLimitBytes)", error, StringComparison.Ordinal);
        var after = Data(await InferAsync("expand", Tensor("x", [1, 1], [2f]), new { name = "shape", shape = new[] { 2 }, datatype = "INT64", data = new[] { 1, 2 } }));
        Assert.Equal([2.0, 2.0], after);
    }

    [Theory]
    [InlineData("iris", true)]
    [InlineData("rows", true)]
    [InlineData("bcast", false)]
    [InlineData("scalar", false)]
    [InlineData("constant", false)]
    [InlineData("expand", false)]
    public async Task TheMetadataAndTheVersionRecordSayWhetherItBatches(string model, bool batchable)
    {
        var metadata = JsonDocument.Parse(await _host.Client.GetStringAsync($"/v2/models/{model}")).RootElement;
        var record = JsonDocument.Parse(await _host.Client.GetStringAsync($"/api/models/{model}/versions/1.0.0")).RootElement;

        Assert.Equal(batchable, metadata.GetProperty("parameters").GetProperty("batchable").GetBoolean());
        Assert.Equal(batchable, record.GetProperty("batchable").GetBoolean());
        Assert.Equal("1.0.0", record.GetProperty("version").GetString());
    }

    private async Task<JsonElement> InferAsync(string model, params object[] inputs)
    {
        var response = await _host.Client.PostAsync($"/v2/models/{model}/infer", new StringContent(Body(inputs)));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return Assert.Single(JsonDocument.Parse(text).RootElement.GetProperty("outputs").EnumerateArray());
    }

    private static object Tensor(string name, int[] shape, float[] data) => new { name, shape, datatype = "FP32", data };

    private static string Body(params object[] inputs) => JsonSerializer.Serialize(new { inputs });

    private static long[] Shape(JsonElement output) => [.. output.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64())];

    private static double[] Data(JsonElement output) => [.. output.GetProperty("data").EnumerateArray().Select(d => d.GetDouble())];
}
