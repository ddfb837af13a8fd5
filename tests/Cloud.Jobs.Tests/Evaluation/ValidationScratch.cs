using System.Text;
using Cloud.Jobs.Evaluation;
using Cloud.Sdk.Manifests;
using Microsoft.ML.OnnxRuntime;

namespace Cloud.Jobs.Tests.Evaluation;

/// <summary>
/// Tiny models whose outputs are their inputs (Identity), so a dataset's columns are the model's scores or predictions
/// and every metric can be worked out by hand from the rows a test writes. Files live in a temporary folder.
/// </summary>
internal sealed class ValidationScratch : IDisposable
{
    private readonly List<ModelUnderTest> _models = [];

    public string Folder { get; } = Directory.CreateTempSubdirectory("cloud-validate-").FullName;

    public ValidationOptions Options => new() { WorkDirectory = Path.Combine(Folder, "work") };

    public void Dispose()
    {
        foreach (var model in _models)
        {
            model.Dispose();
        }

        Directory.Delete(Folder, recursive: true);
    }

    /// <summary>A classifier whose class scores are the dataset columns <paramref name="scoreColumns"/> (input x [batch, n] → x_out).</summary>
    public ModelUnderTest Classifier(string[] classes, string[] scoreColumns, string version = "1.0.0", string validation = "")
    {
        var manifest = Manifest(version, $$"""
            "task": "classification", "classNames": [{{Quoted(classes)}}],
            "inputs": { "x": { "featureNames": [{{Quoted(scoreColumns)}}] } }{{validation}}
            """);
        return Load(OnnxModelBuilder.Identity(new OnnxModelBuilder.Input("x", TensorElementType.Float, "batch", (long)scoreColumns.Length)), manifest);
    }

    /// <summary>A regressor whose prediction is the dataset column <paramref name="column"/> (input of that name, [batch] → {column}_out).</summary>
    public ModelUnderTest Regressor(string column, string version = "1.0.0", string validation = "")
    {
        var manifest = Manifest(version, $"\"task\": \"regression\"{validation}");
        return Load(OnnxModelBuilder.Identity(new OnnxModelBuilder.Input(column, TensorElementType.Float, "batch")), manifest);
    }

    public ModelUnderTest Load(byte[] model, ModelManifest manifest)
    {
        var file = Path.Combine(Folder, $"{Guid.NewGuid():N}.onnx");
        File.WriteAllBytes(file, model);
        var loaded = ModelUnderTest.Load(file, manifest, $"{manifest.Name} {manifest.Version}", Options);
        _models.Add(loaded);
        return loaded;
    }

    public static ModelManifest Manifest(string version, string fields)
    {
        var json = $$"""{ "name": "m", "version": "{{version}}", "format": "onnx", "modelFile": "model.onnx", {{fields}} }""";
        var read = ManifestReader.Read(Encoding.UTF8.GetBytes(json));
        Assert.True(read.Succeeded, read.Describe());
        return read.Manifest!;
    }

    /// <summary>A validation section for <paramref name="task"/> (dataset v.csv, label column "label") with <paramref name="fields"/>.</summary>
    public static ValidationSpec Spec(string task, string fields) =>
        Manifest("1.0.0", $$"""
            "task": "{{task}}", {{(task == "classification" ? "\"classNames\": [\"a\", \"b\"]," : "")}}
            "validation": { "dataset": "v.csv", "labelColumn": "label", {{fields}} }
            """).Validation!;

    /// <summary>Validates on <paramref name="text"/> as the file <paramref name="name"/> (its extension gives the format).</summary>
    public Task<ValidationOutcome> RunAsync(string text, ValidationSpec spec, ModelUnderTest candidate, ModelUnderTest? baseline = null, string name = "v.csv") =>
        DatasetValidation.RunAsync(new MemoryStream(Encoding.UTF8.GetBytes(text)), name, spec, candidate, baseline, Options);

    private static string Quoted(IEnumerable<string> names) => string.Join(", ", names.Select(n => $"\"{n}\""));
}
