using Cloud.Jobs.Evaluation;
using Microsoft.ML.OnnxRuntime;

namespace Cloud.Jobs.Tests;

public sealed class EvaluationTests : IDisposable
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("cloud-eval-").FullName;

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    [Fact]
    public void IrisAccuracyAndConfusionMatchTheTrainersExpectedLabels()
    {
        var folder = ModelFolder.Load(IrisFolder);
        using var session = new InferenceSession(folder.ModelPath);

        var report = ClassifierEvaluator.Evaluate(folder, session);

        // Independent expectation: the trainer's numpy labels (expected.csv) against the dataset's species.
        var classes = new[] { "setosa", "versicolor", "virginica" };
        var species = File.ReadAllLines(Path.Combine(IrisFolder, "validation.csv")).Skip(1).Select(l => l.Split(',')[4]).ToArray();
        var numpyLabels = File.ReadAllLines(Path.Combine(IrisFolder, "expected.csv")).Skip(1).Select(l => int.Parse(l.Split(',')[3], System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(species.Length, report.Rows);
        Assert.Equal(species.Where((s, i) => classes[numpyLabels[i]] == s).Count(), report.Correct);
        for (var a = 0; a < 3; a++)
        {
            for (var p = 0; p < 3; p++)
            {
                Assert.Equal(species.Where((s, i) => s == classes[a] && numpyLabels[i] == p).Count(), report.Confusion[a, p]);
            }
        }

        Assert.Equal(0.9, report.AccuracyThreshold);
        Assert.True(report.MeetsThreshold);
    }

    [Fact]
    public void ShuffledColumnsAreMatchedByFeatureName()
    {
        var copy = CopyIris();
        var lines = File.ReadAllLines(Path.Combine(copy, "validation.csv"));
        // Reverse the column order: species first, then the features backwards.
        File.WriteAllLines(Path.Combine(copy, "validation.csv"), lines.Select(l => string.Join(',', l.Split(',').Reverse())));
        var original = Evaluate(IrisFolder);

        var shuffled = Evaluate(copy);

        Assert.Equal(original.Correct, shuffled.Correct);
        Assert.Equal(original.Rows, shuffled.Rows);
    }

    [Fact]
    public async Task ARegisteredVersionIsEvaluatedOnTheDatasetItWasRegisteredWithNotOneUploadedSince()
    {
        using var h = new RegistryHarness();
        await h.UploadIrisAsync();
        await h.Registration.RegisterAsync("iris/1.0.0/model.json");
        // Every row relabelled in the folder after registration: evaluated on these, accuracy would fall to a third.
        var relabelled = File.ReadAllLines(Path.Combine(IrisFolder, "validation.csv")).Select((l, i) => i == 0 ? l : l[..l.LastIndexOf(',')] + ",setosa");
        await h.PutTextAsync("iris/1.0.0/validation.csv", string.Join('\n', relabelled));
        var files = Cloud.Registry.RegistryRows.FilesOf((await h.Registry.GetVersionRowAsync("iris", "1.0.0", CancellationToken.None))!)!;

        var folder = await RegisteredModelFolder.DownloadAsync(h.Content, files, Path.Combine(_scratch, "registered"), CancellationToken.None);
        using var session = new InferenceSession(folder.ModelPath);

        Assert.Equal(Evaluate(IrisFolder).Correct, ClassifierEvaluator.Evaluate(folder, session).Correct);
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
    public void AMissingFeatureColumnIsNamedWithTheColumnsThereAre()
    {
        var copy = CopyIris();
        var path = Path.Combine(copy, "validation.csv");
        File.WriteAllLines(path, File.ReadAllLines(path).Select((l, i) => i == 0 ? l.Replace("petal_width", "petal_w", StringComparison.Ordinal) : l));

        var error = Assert.Throws<EvaluationException>(() => Evaluate(copy));

        Assert.Equal($"Dataset '{path}' has no column 'petal_width'; its columns are: sepal_length, sepal_width, petal_length, petal_w, species.", error.Message);
    }

    [Fact]
    public void ANonNumericCellIsNamedWithRowAndColumn()
    {
        var copy = CopyIris();
        var path = Path.Combine(copy, "validation.csv");
        File.WriteAllLines(path, File.ReadAllLines(path).Select((l, i) => i == 3 ? "5.0,abc,1.4,0.2,setosa" : l));

        var error = Assert.Throws<EvaluationException>(() => Evaluate(copy));

        Assert.Equal($"Dataset '{path}' row 3, column 'sepal_width': 'abc' is not a number.", error.Message);
    }

    [Fact]
    public void AnUnknownLabelIsNamed()
    {
        var copy = CopyIris();
        var path = Path.Combine(copy, "validation.csv");
        File.WriteAllLines(path, File.ReadAllLines(path).Select((l, i) => i == 1 ? "5.1,3.5,1.4,0.2,rose" : l));

        var error = Assert.Throws<EvaluationException>(() => Evaluate(copy));

        Assert.Equal($"Dataset '{path}' row 1: label 'rose' is not one of setosa, versicolor, virginica.", error.Message);
    }

    private static string IrisFolder => Repo.IrisFolder;

    private static ClassificationReport Evaluate(string directory)
    {
        var folder = ModelFolder.Load(directory);
        using var session = new InferenceSession(folder.ModelPath);
        return ClassifierEvaluator.Evaluate(folder, session);
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
