using Cloud.Registry.Registered;
using Cloud.Registry.Registration;
using Cloud.Serving.Models;
using Cloud.Serving.Tensors;
using Microsoft.ML.OnnxRuntime;

namespace Cloud.Serving.Tests.Models;

/// <summary>
/// A loaded version is warmed up with its example, else a validation row, else zeros; a warm-up that fails is reported
/// with its source beside the version, which serves anyway.
/// </summary>
public sealed class ModelWarmUpTests : IDisposable
{
    // x mod y on uint8: zeros make ORT refuse the run (modulo by zero); these values are fine.
    private const string ModExample = """
        {"inputs": [{"name": "x", "shape": [3], "datatype": "UINT8", "data": [4, 7, 5]},
                    {"name": "y", "shape": [3], "datatype": "UINT8", "data": [2, 3, 8]}]}
        """;

    private readonly RegistryHarness _h = new();

    public void Dispose() => _h.Dispose();

    [Fact]
    public async Task AModelThatRefusesZerosIsWarmedUpByItsExample()
    {
        await RegisterModAsync(ModExample);
        await using var cache = TestCaches.For(_h, maxLoaded: 2);

        await cache.GetAsync("mod", "1.0.0");

        var status = Assert.Single(cache.GetStatus());
        Assert.Equal(ModelLoadState.Available, status.State);
        Assert.Equal(new WarmUpReport(WarmUpSource.Example, null), status.WarmUp);
    }

    [Fact]
    public async Task WithoutAnExampleTheSameModelIsWarmedUpWithZerosWhichItRefusesAndStillServesRealInputs()
    {
        await RegisterModAsync(example: null);
        await using var cache = TestCaches.For(_h, maxLoaded: 2);

        var loaded = await cache.GetAsync("mod", "1.0.0");
        var response = await loaded.PredictAsync(new InferenceRequest(3,
            [new NamedTensor("x", Tensor.Create(new byte[] { 4, 7, 5 }, 3)), new NamedTensor("y", Tensor.Create(new byte[] { 2, 3, 8 }, 3))]), CancellationToken.None);

        var status = Assert.Single(cache.GetStatus());
        Assert.Equal(ModelLoadState.Available, status.State);
        Assert.Equal(WarmUpSource.Zeros, status.WarmUp!.Source);
        Assert.Contains("modulo by zero", status.WarmUp.Problem, StringComparison.OrdinalIgnoreCase);
        Assert.Equal([(byte)(4 % 2), (byte)(7 % 3), (byte)(5 % 8)], ((DenseTensor<byte>)response.Outputs[0].Value).ToArray());
    }

    [Fact]
    public async Task AnExampleTheModelRefusesIsReportedAndTheVersionServes()
    {
        await RegisterModAsync(ModExample.Replace("[2, 3, 8]", "[2, 0, 8]", StringComparison.Ordinal));
        await using var cache = TestCaches.For(_h, maxLoaded: 2);

        await cache.GetAsync("mod", "1.0.0");

        var status = Assert.Single(cache.GetStatus());
        Assert.Equal(ModelLoadState.Available, status.State);
        Assert.Equal(WarmUpSource.Example, status.WarmUp!.Source);
        Assert.Contains("modulo by zero", status.WarmUp.Problem, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task AnExampleThatDoesNotFitTheSignatureIsReportedNamingTheFileAndNotReplacedByZeros()
    {
        // Registration only checks the request's shape; the input name is the served signature's to judge.
        await RegisterModAsync(ModExample.Replace("\"name\": \"y\"", "\"name\": \"divisor\"", StringComparison.Ordinal));
        await using var cache = TestCaches.For(_h, maxLoaded: 2);

        await cache.GetAsync("mod", "1.0.0");

        var status = Assert.Single(cache.GetStatus());
        Assert.Equal(ModelLoadState.Available, status.State);
        Assert.Equal(WarmUpSource.Example, status.WarmUp!.Source);
        Assert.StartsWith("Warm-up file 'warmup.json' is not a request for this model: ", status.WarmUp.Problem, StringComparison.Ordinal);
        Assert.Contains("'divisor'", status.WarmUp.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnExampleRemovedFromTheFolderAfterRegistrationStillWarmsUpFromItsRegisteredCopy()
    {
        await RegisterModAsync(ModExample);
        await _h.Blobs.DeleteAsync("mod/1.0.0/warmup.json");
        await using var cache = TestCaches.For(_h, maxLoaded: 2);

        await cache.GetAsync("mod", "1.0.0");

        Assert.Equal(new WarmUpReport(WarmUpSource.Example, null), Assert.Single(cache.GetStatus()).WarmUp);
    }

    [Fact]
    public async Task AnExampleWhoseRegisteredCopyIsGoneIsReported()
    {
        await RegisterModAsync(ModExample);
        await _h.Registered.DeleteAsync(RegisteredContent.PathOf(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(ModExample)))));
        await using var cache = TestCaches.For(_h, maxLoaded: 2);

        await cache.GetAsync("mod", "1.0.0");

        Assert.Equal(new WarmUpReport(WarmUpSource.Example, "The registered copy of mod/1.0.0/warmup.json is no longer in the registered container."),
            Assert.Single(cache.GetStatus()).WarmUp);
    }

    [Fact]
    public async Task IrisIsWarmedUpWithTheFirstRowOfItsValidationDataset()
    {
        await _h.UploadIrisAsync();
        await RegisterAsync("iris");
        await using var cache = TestCaches.For(_h, maxLoaded: 2);

        await cache.GetAsync("iris", "1.0.0");

        Assert.Equal(new WarmUpReport(WarmUpSource.Validation, null), Assert.Single(cache.GetStatus()).WarmUp);
    }

    [Fact]
    public async Task AnExampleComesBeforeTheValidationDataset()
    {
        await _h.UploadIrisAsync();
        await _h.PutTextAsync("iris/1.0.0/warmup.json", """{"inputs": [{"name": "features", "shape": [2, 4], "datatype": "FP32", "data": [5.1, 3.5, 1.4, 0.2, 6.3, 3.3, 6.0, 2.5]}]}""");
        await _h.PutTextAsync("iris/1.0.0/model.json", SampleModels.IrisManifest().Replace("\"modelFile\": \"model.onnx\",", "\"modelFile\": \"model.onnx\", \"warmUp\": \"warmup.json\",", StringComparison.Ordinal));
        await RegisterAsync("iris");
        await using var cache = TestCaches.For(_h, maxLoaded: 2);

        await cache.GetAsync("iris", "1.0.0");

        Assert.Equal(new WarmUpReport(WarmUpSource.Example, null), Assert.Single(cache.GetStatus()).WarmUp);
    }

    [Fact]
    public async Task AValidationRowThatIsNotANumberIsReportedWithTheDatasetRowAndColumn()
    {
        await _h.UploadIrisAsync();
        var rows = File.ReadAllLines(SampleModels.Iris("validation.csv"));
        rows[1] = "5.1,abc,1.4,0.2,setosa";
        await _h.PutTextAsync("iris/1.0.0/validation.csv", string.Join('\n', rows));
        await RegisterAsync("iris");
        await using var cache = TestCaches.For(_h, maxLoaded: 2);

        await cache.GetAsync("iris", "1.0.0");

        var status = Assert.Single(cache.GetStatus());
        Assert.Equal(ModelLoadState.Available, status.State);
        Assert.Equal(new WarmUpReport(WarmUpSource.Validation, "Dataset 'iris/1.0.0/validation.csv' row 1, column 'sepal_width': 'abc' is not a number."), status.WarmUp);
    }

    [Fact]
    public async Task AJsonLinesDatasetIsReadByTheReaderValidationUses()
    {
        await _h.UploadIrisAsync();
        await _h.PutTextAsync("iris/1.0.0/holdout.jsonl", "{\"species\": \"setosa\", \"sepal_length\": 5.1, \"sepal_width\": \"x\", \"petal_length\": 1.4, \"petal_width\": 0.2}\n");
        await _h.PutTextAsync("iris/1.0.0/model.json", SampleModels.IrisManifest().Replace("\"dataset\": \"validation.csv\"", "\"dataset\": \"holdout.jsonl\"", StringComparison.Ordinal));
        await RegisterAsync("iris");
        await using var cache = TestCaches.For(_h, maxLoaded: 2);

        await cache.GetAsync("iris", "1.0.0");

        Assert.Equal(new WarmUpReport(WarmUpSource.Validation, "Dataset 'iris/1.0.0/holdout.jsonl' line 1, column 'sepal_width': 'x' is not a number."), Assert.Single(cache.GetStatus()).WarmUp);
    }

    [Fact]
    public async Task AValidationDatasetWithoutRowsLeavesTheWarmUpToZeros()
    {
        await _h.UploadIrisAsync();
        await _h.PutTextAsync("iris/1.0.0/validation.csv", "sepal_length,sepal_width,petal_length,petal_width,species\n");
        await RegisterAsync("iris");
        await using var cache = TestCaches.For(_h, maxLoaded: 2);

        await cache.GetAsync("iris", "1.0.0");

        Assert.Equal(new WarmUpReport(WarmUpSource.Zeros, null), Assert.Single(cache.GetStatus()).WarmUp);
    }

    [Fact]
    public async Task AModelWithoutValidationIsWarmedUpWithZeros()
    {
        await _h.PutAsync("iris/1.0.0/model.onnx", File.ReadAllBytes(SampleModels.Iris("model.onnx")));
        await _h.PutTextAsync("iris/1.0.0/model.json", """{"name": "iris", "version": "1.0.0", "format": "onnx", "modelFile": "model.onnx"}""");
        await RegisterAsync("iris");
        await using var cache = TestCaches.For(_h, maxLoaded: 2);

        await cache.GetAsync("iris", "1.0.0");

        Assert.Equal(new WarmUpReport(WarmUpSource.Zeros, null), Assert.Single(cache.GetStatus()).WarmUp);
    }

    /// <summary>Registers mod/1.0.0, z = x mod y on uint8 [n] inputs, with <paramref name="example"/> as its warm-up file when given.</summary>
    private async Task RegisterModAsync(string? example)
    {
        var input = new OnnxModelBuilder.Input("x", TensorElementType.UInt8, "n");
        await _h.PutAsync("mod/1.0.0/model.onnx", OnnxModelBuilder.Binary("Mod", input, input with { Name = "y" }));
        if (example is not null)
        {
            await _h.PutTextAsync("mod/1.0.0/warmup.json", example);
        }

        var warmUp = example is null ? "" : """, "warmUp": "warmup.json" """;
        await _h.PutTextAsync("mod/1.0.0/model.json", $$"""{"name": "mod", "version": "1.0.0", "format": "onnx", "modelFile": "model.onnx"{{warmUp}}}""");
        await RegisterAsync("mod");
    }

    private async Task RegisterAsync(string model)
    {
        var outcome = await _h.Registration.RegisterAsync($"{model}/1.0.0/model.json");
        Assert.True(outcome.Status == RegistrationStatus.Registered, outcome.Message);
    }
}
