using Cloud.Jobs.Evaluation;
using Cloud.Registry.Registered;
using Cloud.Registry.Registration;
using Cloud.Sdk.Registry;

namespace Cloud.Jobs.Tests.Evaluation;

/// <summary>
/// Validation as the runner calls it: versions registered by registration (a filesystem store here), read from their
/// registered copies — never the models container, which an upload can change after registration — with the
/// dataset streamed and a baseline version beside.
/// </summary>
public sealed class ModelValidatorTests : IDisposable
{
    private const string Validation = """
        , "validation": { "dataset": "data/holdout.csv", "labelColumn": "label", "metrics": ["rmse"],
          "baselineLabel": "stable", "baselineTolerance": { "rmse": 0.1 } }
        """;

    private readonly ValidationScratch _scratch = new();
    private readonly RegistryHarness _h = new();
    private readonly ModelValidator _validator;

    public ModelValidatorTests() => _validator = _h.Validator(_scratch.Options);

    public void Dispose()
    {
        _h.Dispose();
        _scratch.Dispose();
    }

    [Fact]
    public async Task ACandidateWorseThanItsBaselineIsRejected()
    {
        // Candidate 1.1.0 predicts column a (rmse 0.75), baseline 1.0.0 column b (rmse 0.25): see ThresholdTests.
        var candidate = await RegisterAsync("1.1.0", "a", "label,a,b\n1,1.5,1\n2,2,2\n3,2,3\n4,5,4.5\n");
        var baseline = await RegisterAsync("1.0.0", "b", "label,b\n1,1\n");

        var outcome = await _validator.ValidateAsync(new ValidationRequest(candidate, baseline));

        Assert.Equal(ModelVersionStatus.Rejected, outcome.Status);
        Assert.Equal("house/1.1.0/data/holdout.csv", outcome.Dataset);
        Assert.Equal(("1.1.0", "1.0.0"), (outcome.Candidate.Version, outcome.Baseline!.Version));
        Assert.Equal("rmse is 0.75, higher than the baseline 1.0.0's 0.25 by more than its tolerance 0.1", Assert.Single(outcome.Failures).Reason);
        Assert.Empty(Directory.GetFiles(_scratch.Options.WorkDirectory)); // the local model copies are gone
    }

    [Fact]
    public async Task FilesChangedInTheModelsContainerAfterRegistrationChangeNothing()
    {
        // Registered with a perfect dataset (rmse 0); then the upload's dataset, manifest and model are overwritten.
        var candidate = await RegisterAsync("1.1.0", "a", "label,a\n1,1\n2,2\n");
        await _h.PutTextAsync("house/1.1.0/data/holdout.csv", "label,a\n1,9\n");
        await _h.PutTextAsync("house/1.1.0/model.json", "{ not json");
        await _h.PutTextAsync("house/1.1.0/model.onnx", "not a model");

        var outcome = await _validator.ValidateAsync(new ValidationRequest(candidate));

        Assert.Equal((ModelVersionStatus.Validated, 2L, 0.0), (outcome.Status, outcome.Rows, outcome.Candidate.Metrics["rmse"]));
    }

    [Fact]
    public async Task ADatasetTheJobNamesIsReadFromTheModelsContainer()
    {
        var candidate = await RegisterAsync("1.1.0", "a", "label,a\n1,1\n");
        await _h.PutTextAsync("shared/holdout.jsonl", "{\"a\": 1, \"label\": 2}\n");

        var outcome = await _validator.ValidateAsync(new ValidationRequest(candidate, Dataset: "shared/holdout.jsonl"));

        Assert.Equal(("shared/holdout.jsonl", 1L), (outcome.Dataset, outcome.Rows));
        Assert.Equal(1, outcome.Candidate.Metrics["rmse"]);
    }

    [Fact]
    public async Task AMissingDatasetTheJobNamesIsNamedWithTheStore()
    {
        var candidate = await RegisterAsync("1.1.0", "a", "label,a\n1,1\n");

        var error = await Assert.ThrowsAsync<EvaluationException>(() => _validator.ValidateAsync(new ValidationRequest(candidate, Dataset: "shared/gone.csv")));

        Assert.Equal($"Dataset 'shared/gone.csv' does not exist in the model store ({_h.Blobs.Description}).", error.Message);
    }

    [Fact]
    public async Task ARegisteredDatasetCopyThatIsGoneIsNamed()
    {
        var candidate = await RegisterAsync("1.1.0", "a", "label,a\n1,1\n");
        await _h.Registered.DeleteAsync(RegisteredContent.PathOf(Sha256("label,a\n1,1\n")));

        var error = await Assert.ThrowsAsync<EvaluationException>(() => _validator.ValidateAsync(new ValidationRequest(candidate)));

        Assert.Equal("Dataset 'house/1.1.0/data/holdout.csv' has no registered copy: The registered copy of house/1.1.0/data/holdout.csv is no longer in the registered container.", error.Message);
    }

    [Fact]
    public async Task ARegisteredModelCopyChangedInItsContainerIsRefused()
    {
        var candidate = await RegisterAsync("1.1.0", "a", "label,a\n1,1\n");
        await _h.Registered.PutAsync(RegisteredContent.PathOf(candidate.Sha256!), new MemoryStream("tampered"u8.ToArray()));

        var error = await Assert.ThrowsAsync<EvaluationException>(() => _validator.ValidateAsync(new ValidationRequest(candidate)));

        Assert.Equal($"house 1.1.0: The registered copy of house/1.1.0/model.onnx has SHA-256 {Sha256("tampered")}, but {candidate.Sha256} was registered: "
            + $"the copy ({RegisteredContent.PathOf(candidate.Sha256!)}) was changed in the registered container.", error.Message);
    }

    /// <summary>Uploads a regressor folder (Identity over the column <paramref name="column"/>), registers it and returns its registry row.</summary>
    private async Task<ModelVersionInfo> RegisterAsync(string version, string column, string dataset)
    {
        var model = OnnxModelBuilder.Identity(new OnnxModelBuilder.Input(column, TensorElementType.Float, "batch"));
        await _h.PutAsync($"house/{version}/model.onnx", model);
        await _h.PutTextAsync($"house/{version}/data/holdout.csv", dataset);
        await _h.PutTextAsync($"house/{version}/model.json",
            $$"""{ "name": "house", "version": "{{version}}", "format": "onnx", "modelFile": "model.onnx", "task": "regression"{{Validation}} }""");
        var outcome = await _h.Registration.RegisterAsync($"house/{version}/model.json");
        Assert.True(outcome.Status == RegistrationStatus.Registered, outcome.Message);
        return (await _h.Registry.GetVersionAsync("house", version))!;
    }

    private static string Sha256(string text) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));
}
