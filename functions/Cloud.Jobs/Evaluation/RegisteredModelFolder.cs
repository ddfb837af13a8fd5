using Cloud.Registry.Registered;

namespace Cloud.Jobs.Evaluation;

/// <summary>
/// A registered version's folder on local disk, written from its registered copies (each checked against its hash):
/// the manifest, model file and validation dataset the version was registered with, whatever was uploaded into its
/// folder in the models container since. Evaluation reads this, never the models container.
/// </summary>
internal static class RegisteredModelFolder
{
    /// <summary>Writes the version's files into <paramref name="directory"/> (new or empty) and reads it as a model folder.</summary>
    /// <exception cref="EvaluationException">A copy is gone from the registered container.</exception>
    /// <exception cref="InvalidDataException">A copy's bytes are not the registered ones.</exception>
    public static async Task<ModelFolder> DownloadAsync(RegisteredContent content, RegisteredFiles files, string directory, CancellationToken cancellationToken)
    {
        var root = Path.GetFullPath(directory) + Path.DirectorySeparatorChar;
        foreach (var name in files.Sha256ByName.Keys)
        {
            // Names are the manifest's relative paths, which registration checked; still, nothing is written outside.
            var file = Path.GetFullPath(Path.Combine(root, name));
            if (!file.StartsWith(root, StringComparison.Ordinal) || !await content.DownloadAsync(files, name, file, cancellationToken).ConfigureAwait(false))
            {
                throw new EvaluationException(files.MissingCopy(name));
            }
        }

        return ModelFolder.Load(directory);
    }
}
