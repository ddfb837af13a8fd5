using Cloud.Registry.Registration;
using Cloud.Sdk.Registry;

namespace Cloud.Registry.Tests.Registration;

/// <summary>
/// The warm-up example is a file of the folder: the folder waits for it, a file that is no inference request fails the
/// version naming the file, and a request that does not fit the model is the cache's to report, not registration's.
/// </summary>
public sealed class WarmUpFileTests : IDisposable
{
    private const string FitsIris = """{"inputs": [{"name": "features", "shape": [1, 4], "datatype": "FP32", "data": [5.1, 3.5, 1.4, 0.2]}]}""";

    private const string Expected =
        "It must hold one Open Inference Protocol v2 request body, {\"inputs\": [{\"name\": ..., \"shape\": [...], \"datatype\": ..., \"data\": [...]}]}, as a client would send it.";

    private readonly RegistryHarness _h = new();

    public void Dispose() => _h.Dispose();

    [Fact]
    public async Task AFolderWaitsForItsWarmUpFileAndThenRegisters()
    {
        await UploadAsync(warmUp: null);
        var early = await _h.Registration.RegisterAsync("iris/1.0.0/model.json");
        var rowWhileWaiting = await _h.Registry.GetVersionAsync("iris", "1.0.0");

        _h.Time.Advance(TimeSpan.FromSeconds(5));
        await _h.PutTextAsync("iris/1.0.0/warmup.json", FitsIris);
        var late = await _h.Registration.RegisterAsync("iris/1.0.0/warmup.json");

        Assert.Equal(RegistrationStatus.Pending, early.Status);
        Assert.StartsWith("Warm-up file 'warmup.json' is not in iris/1.0.0/; waiting for the upload to finish", early.Message, StringComparison.Ordinal);
        Assert.Null(rowWhileWaiting);
        Assert.Equal(RegistrationStatus.Registered, late.Status);
    }

    [Fact]
    public async Task AWarmUpFileStillMissingAfterTheWaitFailsTheVersionAndItsLateArrivalRecovers()
    {
        await UploadAsync(warmUp: null);
        _h.Time.Advance(TimeSpan.FromMinutes(11));

        var failed = await _h.Registration.RegisterAsync("iris/1.0.0/model.json");

        Assert.Equal(RegistrationStatus.Failed, failed.Status);
        Assert.Equal("Warm-up file 'warmup.json' is not in iris/1.0.0/ 11 min after model.json was uploaded; the folder was given 10 min to complete.", failed.Message);
        Assert.Equal(ModelVersionStatus.Failed, (await _h.Registry.GetVersionAsync("iris", "1.0.0"))!.Status);

        // The file's own event registers the folder: model.json need not be uploaded again.
        await _h.PutTextAsync("iris/1.0.0/warmup.json", FitsIris);
        Assert.Equal(RegistrationStatus.Registered, (await _h.Registration.RegisterAsync("iris/1.0.0/warmup.json")).Status);
    }

    [Theory]
    [InlineData("{\"inputs\": [", "it is not valid JSON (line 1, byte 13)")]
    [InlineData("  \n ", "it is empty")]
    [InlineData("[1, 2]", "it is a list, not an object")]
    [InlineData("{\"instances\": [[5.1, 3.5, 1.4, 0.2]]}", "it has no \"inputs\"")]
    [InlineData("{\"inputs\": {\"features\": [5.1]}}", "its \"inputs\" is an object, not a list")]
    [InlineData("{\"inputs\": [{\"name\": \"features\", \"shape\": [1, 4], \"datatype\": \"FP32\", \"data\": [5.1, 3.5, 1.4, 0.2]}, 7]}", "its inputs[1] is a number, not an object")]
    [InlineData("{\"inputs\": [{\"shape\": [1], \"datatype\": \"FP32\", \"data\": [1]}]}", "its inputs[0] has no \"name\"")]
    [InlineData("{\"inputs\": [{\"name\": \"features\", \"shape\": [1], \"datatype\": \"FP32\"}]}", "its inputs[0] has no \"data\"")]
    [InlineData("{\"inputs\": [{\"name\": \"features\", \"shape\": \"1,4\", \"datatype\": \"FP32\", \"data\": [1]}]}", "its inputs[0] has a \"shape\" that is a string, not a list")]
    [InlineData("{\"inputs\": [{\"name\": \"features\", \"shape\": [1, -4], \"datatype\": \"FP32\", \"data\": [1]}]}", "its inputs[0] has a \"shape\" that is not a list of whole numbers, 0 or more")]
    [InlineData("{\"inputs\": [{\"name\": 3, \"shape\": [1], \"datatype\": \"FP32\", \"data\": [1]}]}", "its inputs[0] has a \"name\" that is a number, not a string")]
    public async Task AFileThatIsNoInferenceRequestFailsTheVersionNamingTheFile(string content, string problem)
    {
        await UploadAsync(content);

        var outcome = await _h.Registration.RegisterAsync("iris/1.0.0/model.json");

        Assert.Equal((RegistrationStatus.Failed, $"Warm-up file 'warmup.json' is not an inference request: {problem}. {Expected}"), (outcome.Status, outcome.Message));
        Assert.Equal(outcome.Message, (await _h.Registry.GetVersionAsync("iris", "1.0.0"))!.FailureReason);
    }

    [Fact]
    public async Task TextThatIsNotUtf8FailsTheVersion()
    {
        await UploadAsync(null);
        await _h.PutAsync("iris/1.0.0/warmup.json", [(byte)'{', 0xC3, 0x28, (byte)'}']);

        var outcome = await _h.Registration.RegisterAsync("iris/1.0.0/model.json");

        Assert.Equal($"Warm-up file 'warmup.json' is not an inference request: it is not UTF-8 text. {Expected}", outcome.Message);
    }

    [Fact]
    public async Task AFileOverTheLimitFailsTheVersion()
    {
        await UploadAsync(null);
        // 10 MiB is 10,485,760 bytes: one byte more.
        await _h.PutAsync("iris/1.0.0/warmup.json", new byte[(10 * 1024 * 1024) + 1]);

        var outcome = await _h.Registration.RegisterAsync("iris/1.0.0/model.json");

        Assert.Equal($"Warm-up file 'warmup.json' is not an inference request: it is 10,485,761 bytes and the limit is 10,485,760. {Expected}", outcome.Message);
    }

    [Fact]
    public async Task ACorrectedWarmUpFileRegistersTheFailedVersionWithoutANewManifest()
    {
        await UploadAsync("not json");
        Assert.Equal(RegistrationStatus.Failed, (await _h.Registration.RegisterAsync("iris/1.0.0/model.json")).Status);

        await _h.PutTextAsync("iris/1.0.0/warmup.json", FitsIris);
        var fixedUpload = await _h.Registration.RegisterAsync("iris/1.0.0/warmup.json");

        Assert.Equal(RegistrationStatus.Registered, fixedUpload.Status);
        Assert.Equal(ModelVersionStatus.Registered, (await _h.Registry.GetVersionAsync("iris", "1.0.0"))!.Status);
    }

    [Fact]
    public async Task ARequestThatDoesNotFitTheModelStillRegisters()
    {
        // The model is fine; an input it does not have is the warm-up's problem when the version loads.
        await UploadAsync("""{"inputs": [{"name": "petals", "shape": [2], "datatype": "INT64", "data": [1, 2]}]}""");

        var outcome = await _h.Registration.RegisterAsync("iris/1.0.0/model.json");

        Assert.Equal(RegistrationStatus.Registered, outcome.Status);
    }

    [Fact]
    public async Task AWarmUpFileInASubfolderIsFound()
    {
        await _h.PutAsync("iris/1.0.0/model.onnx", File.ReadAllBytes(Path.Combine(Repo.IrisFolder, "model.onnx")));
        await _h.PutIrisDatasetAsync();
        await _h.PutTextAsync("iris/1.0.0/examples/warmup.json", FitsIris);
        await _h.PutTextAsync("iris/1.0.0/model.json", WithWarmUp("examples/warmup.json"));

        Assert.Equal(RegistrationStatus.Registered, (await _h.Registration.RegisterAsync("iris/1.0.0/model.json")).Status);
    }

    /// <summary>The iris folder with "warmUp": "warmup.json"; the warm-up file holds <paramref name="warmUp"/>, or is left out when it is null.</summary>
    private async Task UploadAsync(string? warmUp)
    {
        await _h.PutAsync("iris/1.0.0/model.onnx", File.ReadAllBytes(Path.Combine(Repo.IrisFolder, "model.onnx")));
        await _h.PutIrisDatasetAsync();
        if (warmUp is not null)
        {
            await _h.PutTextAsync("iris/1.0.0/warmup.json", warmUp);
        }

        await _h.PutTextAsync("iris/1.0.0/model.json", WithWarmUp("warmup.json"));
    }

    private static string WithWarmUp(string path) =>
        SampleModels.IrisManifest().Replace("\"modelFile\": \"model.onnx\",", $"\"modelFile\": \"model.onnx\",\n  \"warmUp\": \"{path}\",", StringComparison.Ordinal);
}
