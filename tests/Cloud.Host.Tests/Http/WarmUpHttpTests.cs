using System.Net;
using System.Text.Json;
using static Cloud.TestSupport.OnnxModelBuilder;

namespace Cloud.Host.Tests.Http;

/// <summary>
/// The warm-up through the whole host: what /api/status shows for each source, the example judged in the words a
/// client's request gets, and a warm-up file that is no request refused by the upload that completes the folder.
/// </summary>
public sealed class WarmUpHttpTests : IAsyncLifetime
{
    private ServingHost _host = null!;

    public async Task InitializeAsync() => _host = await ServingHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task TheIrisSampleIsWarmedUpWithItsValidationData()
    {
        (await _host.Client.PostAsync("/v1/models/iris:predict", new StringContent("""{"instances": [[5.1, 3.5, 1.4, 0.2]]}"""))).EnsureSuccessStatusCode();

        var warmUp = (await StatusOfAsync("iris")).GetProperty("warmUp");

        Assert.Equal("validation", warmUp.GetProperty("source").GetString());
        Assert.Equal(JsonValueKind.Null, warmUp.GetProperty("problem").ValueKind);
    }

    [Fact]
    public async Task AnExampleThatDoesNotFitIsReportedInTheWordsAClientsRequestGets()
    {
        const string Example = """{"inputs": [{"name": "x", "shape": [1], "datatype": "UINT8", "data": [4]}, {"name": "divisor", "shape": [1], "datatype": "UINT8", "data": [3]}]}""";
        var input = new Input("x", TensorElementType.UInt8, "n");
        await PutAsync("mod", "model.onnx", Binary("Mod", input, input with { Name = "y" }));
        await PutAsync("mod", "warmup.json", System.Text.Encoding.UTF8.GetBytes(Example));
        var registered = await PutAsync("mod", "model.json", """{"name": "mod", "version": "1.0.0", "format": "onnx", "modelFile": "model.onnx", "warmUp": "warmup.json"}"""u8.ToArray());
        Assert.Equal(HttpStatusCode.OK, registered.StatusCode);

        var client = await _host.Client.PostAsync("/v2/models/mod/infer", new StringContent(Example));
        var warmUp = (await StatusOfAsync("mod")).GetProperty("warmUp");

        Assert.Equal(HttpStatusCode.BadRequest, client.StatusCode);
        var error = JsonDocument.Parse(await client.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString();
        Assert.Equal("example", warmUp.GetProperty("source").GetString());
        Assert.Equal($"Warm-up file 'warmup.json' is not a request for this model: {error}", warmUp.GetProperty("problem").GetString());
    }

    [Fact]
    public async Task AWarmUpFileThatIsNoRequestFailsTheUploadNamingTheFile()
    {
        await PutAsync("flowers", "model.onnx", File.ReadAllBytes(SampleModels.Iris("model.onnx")));
        await PutAsync("flowers", "warmup.json", "[5.1, 3.5, 1.4, 0.2]"u8.ToArray());
        var manifest = SampleModels.IrisManifest(name: "flowers").Replace("\"modelFile\": \"model.onnx\",", "\"modelFile\": \"model.onnx\", \"warmUp\": \"warmup.json\",", StringComparison.Ordinal);

        var response = await PutAsync("flowers", "model.json", System.Text.Encoding.UTF8.GetBytes(manifest));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(
            "Warm-up file 'warmup.json' is not an inference request: it is a list, not an object. It must hold one Open Inference Protocol v2 request body, {\"inputs\": [{\"name\": ..., \"shape\": [...], \"datatype\": ..., \"data\": [...]}]}, as a client would send it.",
            body.GetProperty("message").GetString());
    }

    private async Task<HttpResponseMessage> PutAsync(string model, string file, byte[] content) =>
        await _host.Client.PutAsync($"/api/models/{model}/versions/1.0.0/files/{file}", new ByteArrayContent(content));

    private async Task<JsonElement> StatusOfAsync(string model)
    {
        JsonElement? found = null;
        await Eventually.TrueAsync(async () =>
        {
            var loaded = JsonDocument.Parse(await _host.Client.GetStringAsync("/api/status")).RootElement.GetProperty("loaded");
            found = loaded.EnumerateArray().Where(v => v.GetProperty("model").GetString() == model && v.GetProperty("state").GetString() == "available")
                .Select(v => (JsonElement?)v).FirstOrDefault();
            return found is not null;
        }, $"{model} to be loaded");
        return found!.Value;
    }
}
