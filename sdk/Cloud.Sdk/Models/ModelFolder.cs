using Cloud.Sdk.Manifests;

namespace Cloud.Sdk.Models;

/// <summary>A model folder on disk, checked before anything is sent: its manifest read and every file's name valid.</summary>
internal sealed record ModelFolder(string Path, ModelManifest Manifest, IReadOnlyList<FileInfo> Files, FileInfo ManifestFile)
{
    public long TotalBytes => Files.Sum(f => f.Length) + ManifestFile.Length;

    public static ModelFolder Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var directory = new DirectoryInfo(path);
        if (!directory.Exists)
        {
            throw new DirectoryNotFoundException($"The folder '{path}' does not exist; give the path of a model folder (model.json and the model file).");
        }

        var manifestFile = new FileInfo(System.IO.Path.Combine(directory.FullName, ModelManifest.FileName));
        if (!manifestFile.Exists)
        {
            throw new FileNotFoundException($"The folder '{path}' has no model.json; every model folder needs one (cloud init model.onnx writes it from the model's signature).", manifestFile.FullName);
        }

        var read = ManifestReader.Read(File.ReadAllBytes(manifestFile.FullName));
        if (!read.Succeeded)
        {
            throw new InvalidDataException($"{manifestFile.FullName} is not valid: {string.Join("; ", read.Errors)}");
        }

        if (!File.Exists(System.IO.Path.Combine(directory.FullName, read.Manifest.ModelFile)))
        {
            throw new FileNotFoundException($"model.json names the model file '{read.Manifest.ModelFile}', which is not in '{path}'. Put the file there or fix modelFile.");
        }

        // Only the folder's own files: registration reads a flat folder (docs/model-folder.md), and hidden files are an editor's.
        var files = directory.GetFiles().Where(f => f.Name != ModelManifest.FileName && !f.Name.StartsWith('.')).OrderBy(f => f.Name, StringComparer.Ordinal).ToArray();
        foreach (var file in files)
        {
            if (FileNames.Validate(file.Name) is { } problem)
            {
                throw new InvalidDataException(problem);
            }
        }

        return new ModelFolder(directory.FullName, read.Manifest, files, manifestFile);
    }
}
