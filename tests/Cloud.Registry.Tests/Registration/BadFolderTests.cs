using System.Text;
using Cloud.Registry.Registration;
using Microsoft.ML.OnnxRuntime;
using Cloud.Sdk.Registry;

namespace Cloud.Registry.Tests.Registration;

/// <summary>Every kind of bad upload becomes a failed version with a reason a person can act on, or a logged rejection.</summary>
public sealed class BadFolderTests : IDisposable
{
    private readonly RegistryHarness _h = new();

    public void Dispose() => _h.Dispose();

    [Theory]
    [InlineData("../iris/1.0.0/model.json")]
    [InlineData("Iris/1.0.0/model.json")]
    [InlineData("iris/1.0/model.json")]
    [InlineData("iris/v1.0.0/model.json")]
    [InlineData("iris/1.0.0/sub/model.json")]
    [InlineData("iris/model.json")]
    [InlineData("ir is/1.0.0/model.json")]
    public async Task PathsThatNameNoModelFolderAreIgnoredWithAReason(string path)
    {
        var outcome = await _h.Registration.RegisterAsync(path);

        Assert.Equal(RegistrationStatus.Ignored, outcome.Status);
        Assert.Contains($"'{path}'", outcome.Message, StringComparison.Ordinal);
        Assert.Empty(await _h.Registry.ListModelsAsync());
    }

    [Fact]
    public async Task AFolderWhoseManifestNeverArrivesFailsAfterTheWait()
    {
        await _h.PutAsync("iris/1.0.0/model.onnx", File.ReadAllBytes(Path.Combine(Repo.IrisFolder, "model.onnx")));
        await _h.PutIrisDatasetAsync();
        var early = await _h.Registration.RegisterAsync("iris/1.0.0/model.onnx");
        _h.Time.Advance(TimeSpan.FromMinutes(12));

        var late = await _h.Registration.RegisterAsync("iris/1.0.0/model.onnx");
        var again = await _h.Registration.RegisterAsync("iris/1.0.0/model.onnx");

        Assert.Equal((RegistrationStatus.Pending, "iris/1.0.0/ has no model.json yet."), (early.Status, early.Message));
        await AssertFailedAsync(late, "iris/1.0.0/ has no model.json 12 min after its first file arrived; the folder was given 10 min to complete.");
        Assert.Equal((RegistrationStatus.Failed, late.Message), (again.Status, again.Message));

        // The manifest finally arrives: the failed version never served, so it registers now.
        await _h.PutTextAsync("iris/1.0.0/model.json", SampleModels.IrisManifest());
        Assert.Equal(RegistrationStatus.Registered, (await _h.Registration.RegisterAsync("iris/1.0.0/model.json")).Status);
    }

    [Fact]
    public async Task MalformedJsonFailsTheVersion()
    {
        await UploadModelAndManifestAsync("{ \"name\": \"iris\", ");
        var outcome = await _h.Registration.RegisterAsync("iris/1.0.0/model.json");
        await AssertFailedAsync(outcome, "model.json is not valid:\n");
    }

    [Fact]
    public async Task ATypoInAFieldNameSaysWhichFieldWasMeant()
    {
        await UploadModelAndManifestAsync(SampleModels.IrisManifest().Replace("\"modelFile\"", "\"modelFlie\"", StringComparison.Ordinal));
        var outcome = await _h.Registration.RegisterAsync("iris/1.0.0/model.json");
        var reason = await AssertFailedAsync(outcome, "model.json is not valid:\n");
        Assert.Contains("'modelFlie'", reason, StringComparison.Ordinal);
        Assert.Contains("did you mean 'modelFile'", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnEmptyManifestFailsTheVersion()
    {
        await UploadModelAndManifestAsync("");
        await AssertFailedAsync(await _h.Registration.RegisterAsync("iris/1.0.0/model.json"), "model.json is empty (0 bytes).");
    }

    [Fact]
    public async Task AnExtraLargeManifestFailsTheVersion()
    {
        await UploadModelAndManifestAsync("{\"description\": \"" + new string('x', 70_000) + "\"}");
        await AssertFailedAsync(await _h.Registration.RegisterAsync("iris/1.0.0/model.json"), "model.json is 70,019 bytes; the limit is 65,536.");
    }

    [Fact]
    public async Task ANameThatDiffersFromThePathFailsTheVersion()
    {
        await UploadModelAndManifestAsync(SampleModels.IrisManifest(name: "lilies"));
        var reason = await AssertFailedAsync(await _h.Registration.RegisterAsync("iris/1.0.0/model.json"), "model.json is not valid:\n");
        Assert.Contains("lilies", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AVersionThatDiffersFromThePathFailsTheVersion()
    {
        await UploadModelAndManifestAsync(SampleModels.IrisManifest(version: "2.0.0"));
        var reason = await AssertFailedAsync(await _h.Registration.RegisterAsync("iris/1.0.0/model.json"), "model.json is not valid:\n");
        Assert.Contains("2.0.0", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFileThatIsNotOnnxFailsTheVersion()
    {
        await UploadModelAndManifestAsync(SampleModels.IrisManifest(), Encoding.UTF8.GetBytes("sepal_length,sepal_width\n5.1,3.5\n"));
        await AssertFailedAsync(await _h.Registration.RegisterAsync("iris/1.0.0/model.json"), "Model file 'model.onnx' is not an ONNX model: The file is not an ONNX model: ");
    }

    [Fact]
    public async Task AnOnnxFileOrtCannotLoadFailsTheVersionWithOrtsMessage()
    {
        await UploadModelAndManifestAsync(SampleModels.IrisManifest(), UnknownOperatorModel());
        var reason = await AssertFailedAsync(await _h.Registration.RegisterAsync("iris/1.0.0/model.json"), "ONNX Runtime 1.32.0 cannot load model file 'model.onnx': ");
        Assert.Contains("NoSuchOperator", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AModelOrtCannotLoadIsNamedByTheUsersFileNotTheServersWorkFile()
    {
        // ORT's load error starts "Load model from PATH failed", PATH being the file it opened: our work file.
        await UploadModelAndManifestAsync(SampleModels.IrisManifest(), UnknownOperatorModel());

        var outcome = await _h.Registration.RegisterAsync("iris/1.0.0/model.json");

        Assert.Equal(RegistrationStatus.Failed, outcome.Status);
        Assert.StartsWith("ONNX Runtime 1.32.0 cannot load model file 'model.onnx': ", outcome.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("cloud-register-", outcome.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Path.GetTempPath(), outcome.Message, StringComparison.Ordinal);
        Assert.Contains("Load model from model.onnx failed", outcome.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AZeroByteModelFailsTheVersion()
    {
        await UploadModelAndManifestAsync(SampleModels.IrisManifest(), []);
        await AssertFailedAsync(await _h.Registration.RegisterAsync("iris/1.0.0/model.json"), "Model file 'model.onnx' is empty (0 bytes).");
    }

    [Fact]
    public async Task AModelThatDoesNotMatchTheDeclaredSha256FailsTheVersion()
    {
        var declared = new string('a', 64);
        await UploadModelAndManifestAsync(WithField(SampleModels.IrisManifest(), "modelSha256", $"\"{declared}\""));
        await AssertFailedAsync(await _h.Registration.RegisterAsync("iris/1.0.0/model.json"), "Model file 'model.onnx' has SHA-256 ");
    }

    [Fact]
    public async Task AModelSmallerThanDeclaredIsStillArrivingUntilTheWaitEnds()
    {
        var size = new FileInfo(Path.Combine(Repo.IrisFolder, "model.onnx")).Length;
        await UploadModelAndManifestAsync(WithField(SampleModels.IrisManifest(), "modelSize", (size * 2).ToString(System.Globalization.CultureInfo.InvariantCulture)));

        var pending = await _h.Registration.RegisterAsync("iris/1.0.0/model.json");
        _h.Time.Advance(TimeSpan.FromMinutes(30));
        var failed = await _h.Registration.RegisterAsync("iris/1.0.0/model.json");

        Assert.Equal(RegistrationStatus.Pending, pending.Status);
        Assert.StartsWith($"Model file 'model.onnx' has {size:N0} bytes; the manifest declares {size * 2:N0}; waiting", pending.Message, StringComparison.Ordinal);
        await AssertFailedAsync(failed, $"Model file 'model.onnx' has {size:N0} bytes; the manifest declares {size * 2:N0} 30 min after model.json was uploaded; the folder was given 10 min to complete.");
    }

    [Fact]
    public async Task AModelLargerThanDeclaredFailsAtOnce()
    {
        await UploadModelAndManifestAsync(WithField(SampleModels.IrisManifest(), "modelSize", "10"));
        await AssertFailedAsync(await _h.Registration.RegisterAsync("iris/1.0.0/model.json"), "Model file 'model.onnx' has ");
    }

    [Fact]
    public async Task ManifestInputsMustExistInTheModel()
    {
        await UploadModelAndManifestAsync(SampleModels.IrisManifest().Replace("\"features\": {", "\"measurements\": {", StringComparison.Ordinal));
        await AssertFailedAsync(await _h.Registration.RegisterAsync("iris/1.0.0/model.json"),
            "The manifest describes input 'measurements', but the model's inputs are: features.");
    }

    [Fact]
    public async Task ARepeatedEventForTheSameBadFolderWritesNothingNew()
    {
        await UploadModelAndManifestAsync("not json");
        var first = await _h.Registration.RegisterAsync("iris/1.0.0/model.json");
        var before = await _h.Table.GetAsync("iris", "v|1.0.0");

        var again = await _h.Registration.RegisterAsync("iris/1.0.0/model.onnx");

        // The answer is the record's: still failed, for the same reason.
        Assert.Equal((RegistrationStatus.Failed, first.Message), (again.Status, again.Message));
        Assert.Equal(before!.ETag, (await _h.Table.GetAsync("iris", "v|1.0.0"))!.ETag);
    }

    [Fact]
    public async Task ABadUploadOverARegisteredVersionIsRefusedNotFailed()
    {
        await _h.UploadIrisAsync();
        await _h.Registration.RegisterAsync("iris/1.0.0/model.json");

        await _h.PutTextAsync("iris/1.0.0/model.json", "{ broken");
        var outcome = await _h.Registration.RegisterAsync("iris/1.0.0/model.json");

        Assert.Equal(RegistrationStatus.Refused, outcome.Status);
        Assert.Equal(ModelVersionStatus.Registered, (await _h.Registry.GetVersionAsync("iris", "1.0.0"))!.Status);
    }

    private async Task UploadModelAndManifestAsync(string manifest, byte[]? model = null)
    {
        await _h.PutAsync("iris/1.0.0/model.onnx", model ?? File.ReadAllBytes(Path.Combine(Repo.IrisFolder, "model.onnx")));
        await _h.PutTextAsync("iris/1.0.0/model.json", manifest);
    }

    private async Task<string> AssertFailedAsync(RegistrationOutcome outcome, string reasonStart)
    {
        Assert.Equal(RegistrationStatus.Failed, outcome.Status);
        Assert.StartsWith(reasonStart, outcome.Message, StringComparison.Ordinal);
        var row = await _h.Registry.GetVersionAsync("iris", "1.0.0");
        Assert.NotNull(row);
        Assert.Equal(ModelVersionStatus.Failed, row.Status);
        Assert.Equal(outcome.Message, row.FailureReason);
        return row.FailureReason!;
    }

    private static string WithField(string manifest, string name, string jsonValue) =>
        manifest.Replace("\"modelFile\": \"model.onnx\",", $"\"modelFile\": \"model.onnx\",\n  \"{name}\": {jsonValue},", StringComparison.Ordinal);

    /// <summary>A well-formed ModelProto (IR 8, opset 17) whose one node uses an operator that does not exist.</summary>
    internal static byte[] UnknownOperatorModel() =>
        OnnxModelBuilder.Model("NoSuchOperator", new OnnxModelBuilder.Input("features", TensorElementType.Float, "batch", 4L));
}
