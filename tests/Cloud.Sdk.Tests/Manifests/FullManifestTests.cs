using Cloud.Sdk.Manifests;

namespace Cloud.Sdk.Tests.Manifests;

/// <summary>A manifest that uses every field reads into the values written in it.</summary>
public sealed class FullManifestTests
{
    private const string Full = """
        {
          "$schema": "https://example.org/model.schema.json",
          "name": "churn",
          "version": "2.1.0-rc.1",
          "format": "onnx",
          "modelFile": "churn.onnx",
          "modelSha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
          "modelSize": 123456,
          "task": "classification",
          "classNames": ["stays", "leaves"],
          "inputs": {
            "numeric": { "featureNames": ["tenure", "monthly_charges"] },
            "flags": { "featureNames": ["has_phone"] }
          },
          "batching": {
            "maxBatchSize": 32,
            "batchTimeoutMs": 2.5,
            "numBatchThreads": 4,
            "maxEnqueuedBatches": 100,
            "allowedBatchSizes": [8, 16, 32],
            "minParallelBatchSize": 6
          },
          "validation": {
            "dataset": "data/holdout.csv",
            "labelColumn": "churned",
            "metrics": ["accuracy", "f1", "logloss"],
            "thresholds": { "accuracy": 0.8, "logloss": 0.5 },
            "baselineLabel": "stable",
            "baselineTolerance": { "accuracy": 0.01 }
          },
          "promotion": {
            "onValidated": { "setLabels": ["canary"], "traffic": { "stable": 90, "canary": 10 } }
          },
          "description": "Predicts churn.\nTwo lines.",
          "tags": { "team": "growth", "cost_center": "42" },
          "lineage": {
            "trainer": "trainers/churn/train.py",
            "dataset": "gs://data/churn/2024-05",
            "sourceRevision": "3f2c1e0",
            "seed": 7,
            "hyperParameters": { "depth": 6, "eta": 0.3, "objective": "binary", "early": true, "layers": [64, 32] }
          }
        }
        """;

    [Fact]
    public void EveryFieldIsRead()
    {
        var manifest = Manifests.Valid(Full, "churn", "2.1.0-rc.1");

        Assert.Equal("churn", manifest.Name);
        Assert.Equal("2.1.0-rc.1", manifest.Version.ToString());
        Assert.Equal("rc.1", manifest.Version.Prerelease);
        Assert.Equal("churn.onnx", manifest.ModelFile);
        Assert.Equal("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", manifest.ModelSha256);
        Assert.Equal(123456, manifest.ModelSize);
        Assert.Equal(ModelTask.Classification, manifest.Task);
        Assert.Equal(["stays", "leaves"], manifest.ClassNames);
        Assert.Equal(["numeric", "flags"], manifest.Inputs.Keys);
        Assert.Equal(["tenure", "monthly_charges"], manifest.Inputs["numeric"].FeatureNames);
        Assert.Equal(["has_phone"], manifest.Inputs["flags"].FeatureNames);

        var batching = Assert.IsType<BatchingOverrides>(manifest.Batching);
        Assert.Equal(32, batching.MaxBatchSize);
        Assert.Equal(TimeSpan.FromMicroseconds(2500), batching.BatchTimeout);
        Assert.Equal(4, batching.NumBatchThreads);
        Assert.Equal(100, batching.MaxEnqueuedBatches);
        Assert.Equal([8, 16, 32], batching.AllowedBatchSizes);
        Assert.Equal(6, batching.MinParallelBatchSize);

        var validation = Assert.IsType<ValidationSpec>(manifest.Validation);
        Assert.Equal("data/holdout.csv", validation.Dataset);
        Assert.Equal("churned", validation.LabelColumn);
        Assert.Equal(["accuracy", "f1", "logloss"], validation.Metrics);
        Assert.Equal(new Dictionary<string, double> { ["accuracy"] = 0.8, ["logloss"] = 0.5 }, validation.Thresholds);
        Assert.Equal("stable", validation.BaselineLabel);
        Assert.Equal(new Dictionary<string, double> { ["accuracy"] = 0.01 }, validation.BaselineTolerance);

        var action = Assert.IsType<PromotionAction>(Assert.IsType<PromotionPolicy>(manifest.Promotion).OnValidated);
        Assert.Equal(["canary"], action.SetLabels);
        Assert.Equal(new Dictionary<string, int> { ["stable"] = 90, ["canary"] = 10 }, action.Traffic);

        Assert.Equal("Predicts churn.\nTwo lines.", manifest.Description);
        Assert.Equal(new Dictionary<string, string> { ["team"] = "growth", ["cost_center"] = "42" }, manifest.Tags);

        var lineage = Assert.IsType<ModelLineage>(manifest.Lineage);
        Assert.Equal("trainers/churn/train.py", lineage.Trainer);
        Assert.Equal("gs://data/churn/2024-05", lineage.Dataset);
        Assert.Equal("3f2c1e0", lineage.SourceRevision);
        Assert.Equal(7, lineage.Seed);
        Assert.Equal(["depth", "eta", "objective", "early", "layers"], lineage.HyperParameters.Keys);
        Assert.True(lineage.HyperParameters["early"].GetBoolean());
        Assert.Equal("[64, 32]", lineage.HyperParameters["layers"].GetRawText());
    }

    [Fact]
    public void MinimalManifestGetsTheDocumentedDefaults()
    {
        var manifest = Manifests.Valid(Manifests.Minimal);

        Assert.Equal(ModelTask.Other, manifest.Task);
        Assert.Empty(manifest.ClassNames);
        Assert.Empty(manifest.Inputs);
        Assert.Empty(manifest.Tags);
        Assert.Null(manifest.ModelSha256);
        Assert.Null(manifest.ModelSize);
        Assert.Null(manifest.Batching);
        Assert.Null(manifest.Validation);
        Assert.Null(manifest.Promotion);
        Assert.Null(manifest.Description);
        Assert.Null(manifest.Lineage);
    }

    [Fact]
    public void ByteOrderMarkIsSkipped()
    {
        var bytes = new byte[] { 0xEF, 0xBB, 0xBF }.Concat(System.Text.Encoding.UTF8.GetBytes(Manifests.Minimal)).ToArray();

        Assert.True(ManifestReader.Read(bytes).Succeeded);
    }

    [Fact]
    public void WholeNumbersMayBeWrittenWithAnExponentOrAFractionOfZero()
    {
        var manifest = Manifests.Valid(Manifests.With("""
            "modelSize": 1e3, "batching": { "maxBatchSize": 8.0 }
            """));

        Assert.Equal(1000, manifest.ModelSize);
        Assert.Equal(8, manifest.Batching!.MaxBatchSize);
    }

    [Fact]
    public void ManifestAtTheSizeLimitIsRead()
    {
        var json = Manifests.With($"\"description\": \"{new string('x', 100)}\"");
        var padding = ManifestLimits.MaxManifestBytes - System.Text.Encoding.UTF8.GetByteCount(json);
        var manifest = Manifests.Valid(json + new string(' ', padding));

        Assert.Equal(100, manifest.Description!.Length);
    }
}
