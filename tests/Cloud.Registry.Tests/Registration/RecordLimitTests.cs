using System.Globalization;
using System.Text;
using Cloud.Registry.Registration;
using Cloud.Sdk.Registry;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Cloud.Registry.Tests.Registration;

/// <summary>
/// A version's record fits one table row on every store (Azure's 64 KiB a property, 1 MiB a row): what registration
/// writes is bounded, content too large to keep fails the version with the numbers, and a failure is recorded once
/// instead of being retried on every event.
/// </summary>
public sealed class RecordLimitTests : IDisposable
{
    private const string MinimalManifest = """{"name": "iris", "version": "1.0.0", "format": "onnx", "modelFile": "model.onnx"}""";

    private readonly RegistryHarness _h = new();

    public void Dispose() => _h.Dispose();

    [Fact]
    public async Task AManifestWithFourteenHundredUnknownFieldsFailsOnceWithItsFirstProblemsRecorded()
    {
        // 1,400 unknown fields in about 32 KB: each is a problem of its own, which together pass a table property's 64 KiB.
        var fields = string.Concat(Enumerable.Range(0, 1400).Select(i => string.Create(CultureInfo.InvariantCulture, $"\"unknown{i:0000}\": 1, ")));
        await UploadAsync(MinimalManifest.Replace("{", "{" + fields, StringComparison.Ordinal));

        var first = await _h.Registration.RegisterAsync("iris/1.0.0/model.json");
        var again = await _h.Registration.RegisterAsync("iris/1.0.0/model.json");
        var recorded = await _h.Registry.GetVersionAsync("iris", "1.0.0");

        Assert.Equal(RegistrationStatus.Failed, first.Status);
        Assert.StartsWith("model.json is not valid:\n$.unknown0000: Unknown field 'unknown0000' in $", first.Message, StringComparison.Ordinal);
        Assert.Matches(@"\n… and 1,3\d\d more lines \([\d,]+ characters\) not recorded\.$", first.Message);
        Assert.InRange(first.Message.Length, 7_000, RecordLimits.MaxRecordedReasonLength);
        Assert.Equal((RegistrationStatus.Failed, first.Message), (again.Status, again.Message));
        Assert.Equal((ModelVersionStatus.Failed, first.Message), (recorded?.Status, recorded?.FailureReason));
    }

    [Fact]
    public async Task ASignatureLongerThanAPropertyIsKeptAcrossPropertiesOfTheRow()
    {
        // 300 inputs with 100-character names: about 48,000 characters of signature, more than one property holds.
        await UploadAsync(MinimalManifest, WideModel(300));

        var outcome = await _h.Registration.RegisterAsync("iris/1.0.0/model.json");
        var recorded = await _h.Registry.GetVersionAsync("iris", "1.0.0");
        var row = await _h.Table.GetAsync("iris", "v|1.0.0");

        Assert.Equal(RegistrationStatus.Registered, outcome.Status);
        Assert.Equal(300, recorded?.Signature?.Inputs.Count);
        Assert.Equal(new string('i', 96) + "0299", recorded?.Signature?.Inputs[^1].Name);
        Assert.NotNull(row?.Get<string>("Signature_2"));
    }

    [Fact]
    public async Task ASignatureTooLargeForARowFailsTheVersionWithTheNumbers()
    {
        await UploadAsync(MinimalManifest, WideModel(2_000));

        var outcome = await _h.Registration.RegisterAsync("iris/1.0.0/model.json");
        var again = await _h.Registration.RegisterAsync("iris/1.0.0/model.json");

        Assert.Equal(RegistrationStatus.Failed, outcome.Status);
        Assert.Matches(@"^The signature of iris 1\.0\.0 \(2000 inputs, 2000 outputs\) takes [\d,]+ characters to record; a version records at most 262,144\.$", outcome.Message);
        Assert.Equal((RegistrationStatus.Failed, outcome.Message), (again.Status, again.Message));
        Assert.Equal(ModelVersionStatus.Failed, (await _h.Registry.GetVersionAsync("iris", "1.0.0"))?.Status);
    }

    [Fact]
    public async Task ALineageTooLargeToRecordFailsTheVersion()
    {
        // 60,000 '<' fit the 64 KiB manifest; recorded as JSON each is the six characters \u003C, and the lineage's
        // other fields ("dataset": null, … "datasetSha256": null) add 139.
        await UploadAsync(MinimalManifest.Replace("}", ", \"lineage\": {\"trainer\": \"" + new string('<', 60_000) + "\"}}", StringComparison.Ordinal));

        var outcome = await _h.Registration.RegisterAsync("iris/1.0.0/model.json");

        Assert.Equal((RegistrationStatus.Failed, "The lineage of iris 1.0.0 takes 360,139 characters to record; a version records at most 131,072."), (outcome.Status, outcome.Message));
    }

    [Fact]
    public async Task ARetireReasonOverTheLimitIsRefusedNamingIt()
    {
        await _h.UploadIrisAsync();
        await _h.Registration.RegisterAsync("iris/1.0.0/model.json");

        var error = await Assert.ThrowsAsync<RegistryException>(() => _h.Registry.RetireAsync("iris", "1.0.0", new string('r', 100 * 1024)));

        Assert.Equal((RegistryError.Invalid, "The reason is 102,400 characters long; the limit is 1,024."), (error.Error, error.Message));
        Assert.Equal(ModelVersionStatus.Registered, (await _h.Registry.GetVersionAsync("iris", "1.0.0"))?.Status);
    }

    [Fact]
    public async Task AReasonFromTheRegistrysOwnCallersIsShortenedToItsBoundSayingSo()
    {
        await _h.UploadIrisAsync();
        await _h.Registration.RegisterAsync("iris/1.0.0/model.json");

        var rejected = await _h.Registry.SetStatusAsync("iris", "1.0.0", ModelVersionStatus.Rejected, new string('e', 20_000));

        Assert.Equal(RecordLimits.MaxRecordedReasonLength - 80 + "… (11,888 more characters not recorded)".Length, rejected.FailureReason?.Length);
        Assert.EndsWith("eee… (11,888 more characters not recorded)", (await _h.Registry.GetVersionAsync("iris", "1.0.0"))?.FailureReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFolderUnderAVersionWithBuildMetadataIsIgnoredWithTheRule()
    {
        await _h.PutAsync("iris/1.0.0+build/model.onnx", [1, 2, 3]);

        var outcome = await _h.Registration.RegisterAsync("iris/1.0.0+build/model.onnx");

        Assert.Equal(RegistrationStatus.Ignored, outcome.Status);
        Assert.Equal("'iris/1.0.0+build/model.onnx': Version '1.0.0+build' has build metadata ('+build'); a model version must not, because versions that differ only in build metadata cannot be ordered. Record the build in lineage.sourceRevision.", outcome.Message);
    }

    private async Task UploadAsync(string manifest, byte[]? model = null)
    {
        await _h.PutAsync("iris/1.0.0/model.onnx", model ?? File.ReadAllBytes(Path.Combine(Repo.IrisFolder, "model.onnx")));
        await _h.PutAsync("iris/1.0.0/model.json", Encoding.UTF8.GetBytes(manifest));
    }

    /// <summary>An Identity model with <paramref name="inputs"/> float inputs named with 100 characters each.</summary>
    private static byte[] WideModel(int inputs) => OnnxModelBuilder.Identity([.. Enumerable.Range(0, inputs)
        .Select(i => new OnnxModelBuilder.Input(new string('i', 96) + i.ToString("0000", CultureInfo.InvariantCulture), TensorElementType.Float, 1L))]);
}
