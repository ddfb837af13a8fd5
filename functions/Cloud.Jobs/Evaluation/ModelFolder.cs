using Cloud.Sdk.Manifests;

namespace Cloud.Jobs.Evaluation;

/// <summary>
/// A model folder on disk with its manifest, read by the SDK's one manifest reader (the rules registration applies):
/// what the local <c>evaluate</c> verb validates without a model store.
/// </summary>
internal sealed record ModelFolder(string Directory, ModelManifest Manifest)
{
    public string ModelPath => Path.Combine(Directory, Manifest.ModelFile);

    public string Name => $"{Manifest.Name} {Manifest.Version}";

    public static ModelFolder Load(string directory)
    {
        var manifestPath = Path.Combine(directory, ModelManifest.FileName);
        if (!File.Exists(manifestPath))
        {
            throw new EvaluationException($"'{directory}' is not a model folder: it has no {ModelManifest.FileName}.");
        }

        var read = ManifestReader.Read(File.ReadAllBytes(manifestPath));
        return read.Succeeded
            ? new ModelFolder(directory, read.Manifest!)
            : throw new EvaluationException($"{manifestPath} is not valid:\n{read.Describe()}");
    }

    /// <summary>The manifest's validation section.</summary>
    public ValidationSpec Validation => Manifest.Validation
        ?? throw new EvaluationException($"{Path.Combine(Directory, ModelManifest.FileName)} has no \"validation\" section.");

    /// <summary>Opens the validation dataset for a streaming read, and the path messages name it by.</summary>
    public (Stream Content, string Path) OpenDataset()
    {
        var path = System.IO.Path.Combine(Directory, Validation.Dataset);
        if (!File.Exists(path))
        {
            throw new EvaluationException($"Dataset '{path}' does not exist.");
        }

        return (new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan), path);
    }
}
