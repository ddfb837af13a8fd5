using System.Security.Cryptography;
using Cloud.Jobs.Evaluation;
using Cloud.Sdk.Registry;
using Cloud.Storage.Blobs;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cloud.Jobs.Tests.Evaluation;

/// <summary>
/// Validation as the runner calls it: versions registered in a model store (a filesystem store here), their model
/// files checked against the registered SHA-256, the dataset streamed from the store, a baseline version beside.
/// </summary>
public sealed class ModelValidatorTests : IDisposable
{
    private const string Validation = """
        , "validation": { "dataset": "data/holdout.csv", "labelColumn": "label", "metrics": ["rmse"],
          "baselineLabel": "stable", "baselineTolerance": { "rmse": 0.1 } }
        """;

    private readonly ValidationScratch _scratch = new();
    private readonly FileSystemBlobStore _store;
    private readonly ModelValidator _validator;

    public ModelValidatorTests()
    {
        _store = new FileSystemBlobStore(Path.Combine(_scratch.Folder, "models"));
        _validator = new ModelValidator(_store, _scratch.Options, NullLogger<ModelValidator>.Instance);
    }

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task ACandidateWorseThanItsBaselineInTheStoreIsRejected()
    {
        // Candidate 1.1.0 predicts column a (rmse 0.75), baseline 1.0.0 column b (rmse 0.25): see ThresholdTests.
        var candidate = await RegisterAsync("1.1.0", "a", "label,a,b\n1,1.5,1\n2,2,2\n3,2,3\n4,5,4.5\n");
        var baseline = await RegisterAsync("1.0.0", "b", "label\n");

        var outcome = await _validator.ValidateAsync(new ValidationRequest(candidate, baseline));

        Assert.Equal(ModelVersionStatus.Rejected, outcome.Status);
        Assert.Equal("house/1.1.0/data/holdout.csv", outcome.Dataset);
        Assert.Equal(("1.1.0", "1.0.0"), (outcome.Candidate.Version, outcome.Baseline!.Version));
        Assert.Equal("rmse is 0.75, higher than the baseline 1.0.0's 0.25 by more than its tolerance 0.1", Assert.Single(outcome.Failures).Reason);
        Assert.Empty(Directory.GetFiles(_scratch.Options.WorkDirectory)); // the local model copies are gone
    }

    [Fact]
    public async Task ADatasetTheJobNamesReplacesTheManifests()
    {
        var candidate = await RegisterAsync("1.1.0", "a", "label,a\n1,1\n");
        await _store.PutAsync("shared/holdout.jsonl", new MemoryStream("{\"a\": 1, \"label\": 2}\n"u8.ToArray()));

        var outcome = await _validator.ValidateAsync(new ValidationRequest(candidate, Dataset: "shared/holdout.jsonl"));

        Assert.Equal(("shared/holdout.jsonl", 1L), (outcome.Dataset, outcome.Rows));
        Assert.Equal(1, outcome.Candidate.Metrics["rmse"]);
    }

    [Fact]
    public async Task AMissingDatasetIsNamedWithTheStore()
    {
        var candidate = await RegisterAsync("1.1.0", "a", dataset: null);

        var error = await Assert.ThrowsAsync<EvaluationException>(() => _validator.ValidateAsync(new ValidationRequest(candidate)));

        Assert.Equal($"Dataset 'house/1.1.0/data/holdout.csv' does not exist in the model store ({_store.Description}).", error.Message);
    }

    [Fact]
    public async Task AModelFileChangedSinceRegistrationIsRefused()
    {
        var candidate = await RegisterAsync("1.1.0", "a", "label,a\n1,1\n");
        var registered = candidate with { Sha256 = new string('0', 64) };

        var error = await Assert.ThrowsAsync<EvaluationException>(() => _validator.ValidateAsync(new ValidationRequest(registered)));

        Assert.Equal($"house 1.1.0: house/1.1.0/model.onnx has SHA-256 {candidate.Sha256}, but {registered.Sha256} was registered; the file was changed in the store.", error.Message);
    }

    /// <summary>Uploads a regressor folder (Identity over the column <paramref name="column"/>) and returns its registry row.</summary>
    private async Task<ModelVersionInfo> RegisterAsync(string version, string column, string? dataset)
    {
        var model = OnnxModelBuilder.Identity(new OnnxModelBuilder.Input(column, TensorElementType.Float, "batch"));
        var manifest = $$"""{ "name": "house", "version": "{{version}}", "format": "onnx", "modelFile": "model.onnx", "task": "regression"{{Validation}} }""";
        await _store.PutAsync($"house/{version}/model.onnx", new MemoryStream(model));
        await _store.PutAsync($"house/{version}/model.json", new MemoryStream(System.Text.Encoding.UTF8.GetBytes(manifest)));
        if (dataset is not null)
        {
            await _store.PutAsync($"house/{version}/data/holdout.csv", new MemoryStream(System.Text.Encoding.UTF8.GetBytes(dataset)));
        }

        var now = DateTimeOffset.UnixEpoch;
        return new ModelVersionInfo("house", version, ModelVersionStatus.Registered, Convert.ToHexStringLower(SHA256.HashData(model)), model.Length, "model.onnx", null, [], null, null, [], now, now);
    }
}
