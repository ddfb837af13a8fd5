using System.Net;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using static Cloud.TestSupport.OnnxModelBuilder;

namespace Cloud.Host.Tests.Http;

/// <summary>
/// NaN and Infinity in requests are refused unless the model's manifest allows them, whatever spelling brings them
/// (bare tokens, quoted, a number too large for FP32); where allowed, the answer carries them as strings that a
/// strict JSON parser reads.
/// </summary>
public sealed class NonFiniteHttpTests : IAsyncLifetime
{
    private ServingHost _host = null!;

    public async Task InitializeAsync()
    {
        _host = await ServingHost.StartAsync();
        var files = "/api/models/missing/versions/1.0.0/files";
        (await _host.Client.PutAsync($"{files}/model.onnx", new ByteArrayContent(Identity(new Input("x", TensorElementType.Float, "n", 3L))))).EnsureSuccessStatusCode();
        var registration = await _host.Client.PutAsync($"{files}/model.json",
            new StringContent("""{"name": "missing", "version": "1.0.0", "format": "onnx", "modelFile": "model.onnx", "allowNonFinite": true}"""));
        Assert.Contains("\"registration\":\"registered\"", await registration.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    public static TheoryData<string, string, string> Refused => new()
    {
        { "/v1/models/iris:predict", """{"instances": [[5.1, NaN, 1.4, 0.2]]}""", "Input 'features' holds NaN at [0, 1]" },
        { "/v1/models/iris:predict", """{"instances": [[5.1, 3.5, 1.4, 0.2], [5.1, 3.5, "-Infinity", 0.2]]}""", "Input 'features' holds -Infinity at [1, 2]" },
        { "/v1/models/iris:predict", """{"instances": [{"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": Infinity}]}""", "Input 'features' holds Infinity at [0, 3]" },
        { "/v2/models/iris/infer", """{"inputs": [{"name": "features", "shape": [1, 4], "datatype": "FP32", "data": [5.1, 3.5, 1.4, "NaN"]}]}""", "Input 'features' holds NaN at [0, 3]" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task ANonFiniteInputIsRefusedNamingTheInputAndPosition(string path, string body, string start)
    {
        var response = await _host.Client.PostAsync(path, new StringContent(body));
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(start + "; this model refuses non-finite values (its model.json can allow them with \"allowNonFinite\": true, for models that read NaN as a missing value).", error);
    }

    [Fact]
    public async Task ANumberTooLargeForFp32IsRefusedAsOutOfRangeNotReadAsInfinity()
    {
        var response = await _host.Client.PostAsync("/v2/models/iris/infer",
            new StringContent("""{"inputs": [{"name": "features", "shape": [1, 4], "datatype": "FP32", "data": [1e39, 3.5, 1.4, 0.2]}]}"""));
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith("Input 'features' expects FP32 values; data[0] is 1e39, outside FP32's range", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WhereTheManifestAllowsThemTheyPassThroughAsStringsAStrictParserReads()
    {
        var response = await _host.Client.PostAsync("/v2/models/missing/infer",
            new StringContent("""{"inputs": [{"name": "x", "shape": [1, 3], "datatype": "FP32", "data": [NaN, 2.5, -Infinity]}]}"""));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var data = JsonDocument.Parse(text).RootElement.GetProperty("outputs")[0].GetProperty("data");
        Assert.Equal("NaN", data[0].GetString());
        Assert.Equal(2.5, data[1].GetDouble());
        Assert.Equal("-Infinity", data[2].GetString());
    }
}
