using Cloud.Sdk.Manifests;

namespace Cloud.Jobs.Evaluation;

/// <summary>A model folder on disk with its manifest, read by the SDK's one manifest reader (the rules registration applies).</summary>
internal sealed record ModelFolder(string Directory, ModelManifest Manifest)
{
    public string ModelPath => Path.Combine(Directory, Manifest.ModelFile);

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
}
