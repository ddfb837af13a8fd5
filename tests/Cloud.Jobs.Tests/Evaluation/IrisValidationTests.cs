using System.Globalization;
using Cloud.Jobs.Evaluation;
using Cloud.Sdk.Registry;

namespace Cloud.Jobs.Tests.Evaluation;

/// <summary>
/// The committed iris sample, validated as the local evaluate verb does (from its folder): the model's int64 label
/// output decides the class, its probabilities give log loss, and both are checked against the trainer's own numpy
/// outputs in expected.csv.
/// </summary>
public sealed class IrisValidationTests : IDisposable
{
    private static readonly string[] Classes = ["setosa", "versicolor", "virginica"];
    private readonly string _scratch = Directory.CreateTempSubdirectory("cloud-eval-").FullName;

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    [Fact]
    public async Task IrisMetricsMatchTheTrainersNumpyOutputs()
    {
        var outcome = await ValidateAsync(IrisFolder);

        // Independent expectation: the trainer's numpy labels and probabilities (expected.csv) against the dataset's species.
        var species = File.ReadAllLines(Path.Combine(IrisFolder, "validation.csv")).Skip(1).Select(l => Array.IndexOf(Classes, l.Split(',')[4])).ToArray();
        var expected = File.ReadAllLines(Path.Combine(IrisFolder, "expected.csv")).Skip(1).Select(l => l.Split(',')).ToArray();
        var numpyLabels = expected.Select(cells => int.Parse(cells[3], CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(species.Length, outcome.Rows);
        Assert.Equal((double)species.Where((s, i) => s == numpyLabels[i]).Count() / species.Length, outcome.Candidate.Metrics["accuracy"]);
        for (var a = 0; a < 3; a++)
        {
            for (var p = 0; p < 3; p++)
            {
                Assert.Equal(species.Where((s, i) => s == a && numpyLabels[i] == p).Count(), outcome.Candidate.Classes!.Confusion[a][p]);
            }
        }

        var numpyLogLoss = species.Select((s, i) => -Math.Log(double.Parse(expected[i][s], CultureInfo.InvariantCulture))).Average();
        Assert.Equal(numpyLogLoss, outcome.Candidate.Metrics["logloss"], 5);
        Assert.Equal("class scores from 'probabilities', predicted class from 'label'", outcome.Candidate.Outputs);
        Assert.Equal(ModelVersionStatus.Validated, outcome.Status);
    }

    [Fact]
    public async Task ShuffledColumnsAreMatchedByFeatureName()
    {
        var copy = CopyIris();
        var lines = File.ReadAllLines(Path.Combine(copy, "validation.csv"));
        // Reverse the column order: species first, then the features backwards.
        File.WriteAllLines(Path.Combine(copy, "validation.csv"), lines.Select(l => string.Join(',', l.Split(',').Reverse())));
        var original = await ValidateAsync(IrisFolder);

        var shuffled = await ValidateAsync(copy);

        Assert.Equal(original.Candidate.Metrics, shuffled.Candidate.Metrics);
        Assert.Equal(original.Rows, shuffled.Rows);
    }

    [Fact]
    public void AFolderWithoutManifestIsNamed()
    {
        var error = Assert.Throws<EvaluationException>(() => ModelFolder.Load(_scratch));
        Assert.Equal($"'{_scratch}' is not a model folder: it has no model.json.", error.Message);
    }

    [Fact]
    public void MalformedManifestIsNamed()
    {
        File.WriteAllText(Path.Combine(_scratch, "model.json"), "{ \"name\": ");
        var error = Assert.Throws<EvaluationException>(() => ModelFolder.Load(_scratch));
        // The SDK's manifest reader says what is wrong, as registration would.
        Assert.StartsWith($"{Path.Combine(_scratch, "model.json")} is not valid:\n", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMissingDatasetFileIsNamed()
    {
        var copy = CopyIris();
        File.Delete(Path.Combine(copy, "validation.csv"));

        var error = await Assert.ThrowsAsync<EvaluationException>(() => ValidateAsync(copy));

        Assert.Equal($"Dataset '{Path.Combine(copy, "validation.csv")}' does not exist.", error.Message);
    }

    [Fact]
    public async Task AnUnknownLabelIsNamedWithTheClasses()
    {
        var copy = CopyIris();
        var path = Path.Combine(copy, "validation.csv");
        File.WriteAllLines(path, File.ReadAllLines(path).Select((l, i) => i == 1 ? "5.1,3.5,1.4,0.2,rose" : l));

        var error = await Assert.ThrowsAsync<EvaluationException>(() => ValidateAsync(copy));

        Assert.Equal($"Dataset '{path}' row 1, column 'species': 'rose' is not one of the model's classes (setosa, versicolor, virginica).", error.Message);
    }

    private static string IrisFolder => Repo.IrisFolder;

    private static async Task<ValidationOutcome> ValidateAsync(string directory)
    {
        var folder = ModelFolder.Load(directory);
        var options = new ValidationOptions();
        using var model = ModelUnderTest.Load(folder.ModelPath, folder.Manifest, folder.Name, options);
        var (content, name) = folder.OpenDataset();
        return await DatasetValidation.RunAsync(content, name, folder.Validation, model, null, options);
    }

    private string CopyIris()
    {
        var copy = Path.Combine(_scratch, "iris");
        Directory.CreateDirectory(copy);
        foreach (var file in Directory.GetFiles(IrisFolder))
        {
            File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        }

        return copy;
    }
}
