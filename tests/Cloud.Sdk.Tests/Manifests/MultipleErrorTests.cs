using Cloud.Sdk.Manifests;

namespace Cloud.Sdk.Tests.Manifests;

/// <summary>Every problem is reported at once, in document order and then the cross-field checks.</summary>
public sealed class MultipleErrorTests
{
    [Fact]
    public void EveryProblemIsReportedTogether()
    {
        const string Json = """
            {
              "name": "Iris",
              "version": "1.0",
              "format": "onnx",
              "ModelFile": "model.onnx",
              "task": "classification",
              "batching": { "maxBatchSize": 0, "batchTimeout": 5 },
              "validation": {
                "dataset": "../v.csv",
                "labelColumn": "species",
                "metrics": ["accuracy", "rmse"],
                "thresholds": { "acuracy": 0.9 }
              },
              "tags": { "Team": "x" }
            }
            """;

        var result = Manifests.Read(Json, "iris", "1.0.0");

        Assert.False(result.Succeeded);
        Assert.Equal(
            [
                new ManifestError("$.name", "Name 'Iris' is not a valid model name: it starts with 'I'. Use 1 to 63 lowercase letters, digits or '-', starting with a letter."),
                new ManifestError("$.version", "Version '1.0' is not a semantic version: Patch version missing in '1.0'. Write MAJOR.MINOR.PATCH, such as 1.0.0, optionally with a pre-release such as 1.0.0-rc.1."),
                new ManifestError("$.ModelFile", "Unknown field 'ModelFile' in $; field names are case-sensitive: did you mean 'modelFile'?"),
                new ManifestError("$.batching.maxBatchSize", "$.batching.maxBatchSize must be a whole number from 1 to 65536; it is 0."),
                new ManifestError("$.batching.batchTimeout", "Unknown field 'batchTimeout' in $.batching; did you mean 'batchTimeoutMs'?"),
                new ManifestError("$.validation.dataset", "Dataset '../v.csv' is not a relative path inside the model folder: it has a '..' segment; name files inside the folder without '.' or '..'. Use a path such as \"validation.csv\" or \"data/validation.csv\"."),
                new ManifestError("$.validation.thresholds.acuracy", "Threshold for 'acuracy' names no metric in $.validation.metrics; did you mean 'accuracy'?"),
                new ManifestError("$.tags.Team", "Tag key 'Team' is not valid: it starts with 'T'. Use 1 to 63 lowercase letters, digits, '_' or '-', starting with a letter."),
                new ManifestError("$.modelFile", "Required field 'modelFile' is missing from $."),
                new ManifestError("$.validation.metrics[1]", "Metric 'rmse' is for regression, but the task is 'classification'; the metrics for classification are 'accuracy', 'f1', 'precision', 'recall', 'logloss' and 'auc'."),
                new ManifestError("$.name", "The manifest says name 'Iris' but the folder is models/iris/1.0.0/."),
                new ManifestError("$.version", "The manifest says version '1.0' but the folder is models/iris/1.0.0/."),
            ],
            result.Errors);
        Assert.StartsWith("$.name: Name 'Iris' is not a valid model name", result.Describe(), StringComparison.Ordinal);
        Assert.Equal(12, result.Describe().Split('\n').Length);
    }

    [Fact]
    public void MessagesEscapeControlCharactersAndShortenLongValues()
    {
        var error = Manifests.SingleErrorWith($"\"task\": \"x\\u001b[31m{new string('y', 100)}\"");

        Assert.StartsWith("Task 'x\\u001b[31m" + new string('y', 58) + "…' is not known.", error.Message, StringComparison.Ordinal);
    }
}
