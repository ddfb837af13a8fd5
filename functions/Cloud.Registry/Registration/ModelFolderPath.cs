using Cloud.Sdk.Manifests;

namespace Cloud.Registry.Registration;

/// <summary>
/// The model folder a blob belongs to: <c>{name}/{version}/{file}</c> in the models container. Anything else
/// (deeper paths, bad names, versions that are not model versions, file names no store could keep) is not a model
/// folder and is ignored with a reason: the same rules, in the same words, as every HTTP route that takes a name.
/// </summary>
internal sealed record ModelFolderPath(string Model, string Version)
{
    public string Prefix => $"{Model}/{Version}/";

    public string File(string name) => Prefix + name;

    public static ModelFolderPath? TryParse(string blobPath, out string? problem)
    {
        var parts = blobPath.Split('/');
        if (parts.Length != 3)
        {
            problem = $"'{blobPath}' is not a model folder file: paths are {{name}}/{{version}}/{{file}}.";
            return null;
        }

        // Strict SemVer 2.0.0 without build metadata has one spelling per version, so a version that passes is canonical.
        problem = ModelName.Validate(parts[0]) ?? ModelVersions.Validate(parts[1]) ?? FileNames.Validate(parts[2]);
        if (problem is not null)
        {
            problem = $"'{blobPath}': {problem}";
            return null;
        }

        return new ModelFolderPath(parts[0], parts[1]);
    }
}
