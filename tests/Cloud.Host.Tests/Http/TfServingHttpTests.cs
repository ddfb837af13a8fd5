using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Cloud.Host.Tests.Http;

public sealed class TfServingHttpTests : IAsyncLifetime
{
    private ServingHost _host = null!;

    public async Task InitializeAsync() => _host = await ServingHost.StartAsync(("Cloud:Serving:MaxRequestBodyBytes", "4096"));

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task OverRealHttpAnAnswerIsOneFramedBodyAndDoesNotNameTheServer()
    {
        await using var host = await ServingHost.StartOverLoopbackAsync();
        var body = """{"instances": [[5.1, 3.5, 1.4, 0.2]]}""";

        var response = await host.Client.PostAsync("/v1/models/iris:predict", new StringContent(body, Encoding.UTF8, "application/json"));
        var bytes = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(bytes.Length, response.Content.Headers.ContentLength);
        Assert.Null(response.Headers.TransferEncodingChunked);
        Assert.False(response.Headers.Contains("Server"));
        Assert.Equal("iris", response.Headers.GetValues("X-Cloud-Model").Single());
    }

    [Fact]
    public async Task RowFormatPredictionsMatchTheTrainersProbabilitiesAndNameTheirVersion()
    {
        var (rows, expected) = IrisValidation(5);
        var body = JsonSerializer.Serialize(new { instances = rows });

        var response = await _host.Client.PostAsync("/v1/models/iris:predict", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("iris", response.Headers.GetValues("X-Cloud-Model").Single());
        Assert.Equal("1.0.0", response.Headers.GetValues("X-Cloud-Model-Version").Single());
        Assert.Equal("newest", response.Headers.GetValues("X-Cloud-Route").Single());
        var predictions = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("predictions");
        Assert.Equal(rows.Length, predictions.GetArrayLength());
        for (var r = 0; r < rows.Length; r++)
        {
            var probabilities = predictions[r].GetProperty("probabilities").EnumerateArray().Select(p => p.GetDouble()).ToArray();
            Assert.Equal(expected[r].Label, predictions[r].GetProperty("label").GetInt64());
            for (var c = 0; c < 3; c++)
            {
                Assert.True(Math.Abs(probabilities[c] - expected[r].Probabilities[c]) < 1e-5, $"row {r} class {c}");
            }
        }
    }

    [Fact]
    public async Task RowsMayBeObjectsKeyedByTheManifestsFeatureNames()
    {
        var asList = await PredictAsync("""{"instances": [[6.7, 3.0, 5.2, 2.3]]}""");
        var asObject = await PredictAsync("""{"instances": [{"petal_width": 2.3, "sepal_length": 6.7, "petal_length": 5.2, "sepal_width": 3.0}]}""");

        Assert.Equal(asList, asObject);
    }

    [Fact]
    public async Task ColumnarFormatAnswersWithOutputs()
    {
        var json = JsonDocument.Parse(await PredictAsync("""{"inputs": [[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3]]}""")).RootElement;

        var outputs = json.GetProperty("outputs");
        Assert.Equal(2, outputs.GetProperty("probabilities").GetArrayLength());
        Assert.Equal([0L, 2L], outputs.GetProperty("label").EnumerateArray().Select(l => l.GetInt64()));
    }

    [Fact]
    public async Task StatusAndMetadataDescribeTheVersion()
    {
        var status = await _host.Client.GetStringAsync("/v1/models/iris");
        var byVersion = await _host.Client.GetStringAsync("/v1/models/iris/versions/1.0.0");
        var metadata = JsonDocument.Parse(await _host.Client.GetStringAsync("/v1/models/iris/metadata")).RootElement;

        Assert.Equal("""{"model_version_status":[{"version":"1.0.0","state":"AVAILABLE","status":{"error_code":"OK","error_message":""}}]}""", status);
        Assert.Equal(status, byVersion);
        var input = metadata.GetProperty("metadata").GetProperty("signature_def").GetProperty("signature_def").GetProperty("serving_default").GetProperty("inputs").GetProperty("features");
        Assert.Equal("DT_FLOAT", input.GetProperty("dtype").GetString());
        Assert.Equal(["-1", "4"], input.GetProperty("tensor_shape").GetProperty("dim").EnumerateArray().Select(d => d.GetProperty("size").GetString()));
    }

    [Theory]
    [InlineData("/v1/models/nope:predict", 404, "Model 'nope' is not registered.")]
    [InlineData("/v1/models/iris/versions/9.9.9:predict", 404, "Model 'iris' has no version '9.9.9'.")]
    [InlineData("/v1/models/iris/labels/beta:predict", 404, "Model 'iris' has no label 'beta'.")]
    public async Task UnknownModelsVersionsAndLabelsAre404WithAMessage(string path, int status, string message)
    {
        var response = await _host.Client.PostAsync(path, new StringContent("""{"instances": [[5.1, 3.5, 1.4, 0.2]]}"""));

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("{\"error\":\"" + message + "\"}", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("""{"instances": [[5.1, 3.5, 1.4]]}""", "Input 'features' expects float32 [-1,4] (rows of 4 values); row 0 has 3 values.")]
    [InlineData("""{"instances": [[5.1, 3.5, 1.4, 0.2]], "inputs": [[1, 2, 3, 4]]}""", "The request has both \"instances\" and \"inputs\"; use one.")]
    [InlineData("""{"rows": []}""", "The request has neither \"instances\" nor \"inputs\".")]
    public async Task BadBodiesAre400WithTheCodecsMessage(string body, string message)
    {
        var response = await _host.Client.PostAsync("/v1/models/iris:predict", new StringContent(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(message, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString());
    }

    [Fact]
    public async Task MalformedJsonIs400()
    {
        var response = await _host.Client.PostAsync("/v1/models/iris:predict", new StringContent("""{"instances": [[5.1, """));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith("Request body is not valid JSON", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ABodyOverTheLimitIs413()
    {
        var rows = string.Join(",", Enumerable.Repeat("[5.1, 3.5, 1.4, 0.2]", 300));
        var response = await _host.Client.PostAsync("/v1/models/iris:predict", new StringContent($"{{\"instances\": [{rows}]}}"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("The request body is larger than the limit of 4,096 bytes (Cloud:Serving:MaxRequestBodyBytes).",
            JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString());
    }

    private async Task<string> PredictAsync(string body)
    {
        var response = await _host.Client.PostAsync("/v1/models/iris:predict", new StringContent(body));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    internal static (float[][] Rows, (double[] Probabilities, long Label)[] Expected) IrisValidation(int count)
    {
        var rows = File.ReadAllLines(Path.Combine(Repo.IrisFolder, "validation.csv")).Skip(1).Take(count)
            .Select(l => l.Split(',').Take(4).Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToArray();
        var expected = File.ReadAllLines(Path.Combine(Repo.IrisFolder, "expected.csv")).Skip(1).Take(count)
            .Select(l => l.Split(',')).Select(c => (c.Take(3).Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray(), long.Parse(c[3], CultureInfo.InvariantCulture))).ToArray();
        return (rows, expected);
    }
}
