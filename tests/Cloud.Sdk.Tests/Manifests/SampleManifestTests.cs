using System.Text.Json;
using Cloud.Sdk.Manifests;

namespace Cloud.Sdk.Tests.Manifests;

/// <summary>The committed sample manifests read without errors and give the values written in them.</summary>
public sealed class SampleManifestTests
{
    [Fact]
    public void IrisManifestReadsWithEveryValue()
    {
        var bytes = File.ReadAllBytes(Repo.File("samples", "models", "iris", "model.json"));
        var result = ManifestReader.Read(bytes, "iris", "1.0.0");

        Assert.True(result.Succeeded, result.Describe());
        var manifest = result.Manifest;
        Assert.Equal("iris", manifest.Name);
        Assert.Equal("1.0.0", manifest.Version.ToString());
        Assert.Equal((1, 0, 0), ((int)manifest.Version.Major, (int)manifest.Version.Minor, (int)manifest.Version.Patch));
        Assert.Equal(ModelFormat.Onnx, manifest.Format);
        Assert.Equal("model.onnx", manifest.ModelFile);
        Assert.Null(manifest.ModelSha256);
        Assert.Null(manifest.ModelSize);
        Assert.Equal(ModelTask.Classification, manifest.Task);
        Assert.Equal(["setosa", "versicolor", "virginica"], manifest.ClassNames);
        var input = Assert.Single(manifest.Inputs);
        Assert.Equal("features", input.Key);
        Assert.Equal(["sepal_length", "sepal_width", "petal_length", "petal_width"], input.Value.FeatureNames);
        Assert.StartsWith("Softmax logistic regression classifying Iris flowers", manifest.Description, StringComparison.Ordinal);
        Assert.Null(manifest.Batching);
        Assert.Null(manifest.Promotion);
        Assert.Empty(manifest.Tags);

        var validation = Assert.IsType<ValidationSpec>(manifest.Validation);
        Assert.Equal("validation.csv", validation.Dataset);
        Assert.Equal("species", validation.LabelColumn);
        Assert.Equal(["accuracy"], validation.Metrics);
        Assert.Equal(0.9, Assert.Single(validation.Thresholds, entry => entry.Key == "accuracy").Value);
        Assert.Null(validation.BaselineLabel);
        Assert.Empty(validation.BaselineTolerance);

        var lineage = Assert.IsType<ModelLineage>(manifest.Lineage);
        Assert.Equal("samples/trainers/logreg/train.py", lineage.Trainer);
        Assert.Equal("samples/data/iris.csv", lineage.Dataset);
        Assert.Null(lineage.SourceRevision);
        Assert.Equal(42, lineage.Seed);
        Assert.Equal(["epochs", "learningRate", "l2", "trainPerClass", "validationPerClass"], lineage.HyperParameters.Keys);
        Assert.Equal(2000, lineage.HyperParameters["epochs"].GetInt32());
        Assert.Equal(0.5, lineage.HyperParameters["learningRate"].GetDouble());
        Assert.Equal("0.001", lineage.HyperParameters["l2"].GetRawText());
        Assert.Equal(40, lineage.HyperParameters["trainPerClass"].GetInt32());
        Assert.Equal(10, lineage.HyperParameters["validationPerClass"].GetInt32());
    }

    [Fact]
    public void BenchMlpManifestReadsWithItsLayerList()
    {
        var manifest = ReadBench("mlp");

        Assert.Equal("bench-mlp", manifest.Name);
        Assert.Equal(ModelTask.Classification, manifest.Task);
        Assert.Empty(manifest.ClassNames);
        Assert.Empty(manifest.Inputs);
        Assert.Null(manifest.Validation);
        var lineage = Assert.IsType<ModelLineage>(manifest.Lineage);
        Assert.Equal("samples/models/bench/generate.py", lineage.Trainer);
        Assert.Null(lineage.Dataset);
        Assert.Equal(1001, lineage.Seed);
        Assert.Equal([256, 1024, 1024, 10], lineage.HyperParameters["layers"].EnumerateArray().Select(layer => layer.GetInt32()));
        Assert.Equal("he-normal", lineage.HyperParameters["init"].GetString());
        Assert.Equal(0.1, lineage.HyperParameters["biasStd"].GetDouble());
    }

    [Fact]
    public void BenchCnnManifestReadsWithItsHyperParameters()
    {
        var manifest = ReadBench("cnn");

        Assert.Equal("bench-cnn", manifest.Name);
        Assert.Equal("1.0.0", manifest.Version.ToString());
        Assert.Equal("model.onnx", manifest.ModelFile);
        var parameters = Assert.IsType<ModelLineage>(manifest.Lineage).HyperParameters;
        Assert.Equal(["conv", "kernel", "pool", "classes", "init", "biasStd"], parameters.Keys);
        Assert.Equal(JsonValueKind.Array, parameters["conv"].ValueKind);
        Assert.Equal(3, parameters["kernel"].GetInt32());
        Assert.Equal(10, parameters["classes"].GetInt32());
        Assert.Equal(1002, manifest.Lineage!.Seed);
    }

    private static ModelManifest ReadBench(string model)
    {
        var bytes = File.ReadAllBytes(Repo.File("samples", "models", "bench", model, "model.json"));
        var result = ManifestReader.Read(bytes, $"bench-{model}", "1.0.0");
        Assert.True(result.Succeeded, result.Describe());
        return result.Manifest;
    }
}
