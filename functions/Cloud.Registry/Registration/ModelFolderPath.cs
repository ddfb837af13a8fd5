using Cloud.Sdk.Manifests;
using Semver;

namespace Cloud.Registry.Registration;

/// <summary>
/// The model folder a blob belongs to: <c>{name}/{version}/{file}</c> in the models container. Anything else
/// (deeper paths, bad names, non-semantic versions) is not a model folder and is ignored with a reason.
/// </summary>
internal sealed record ModelFolderPath(string Model, string Version)
{
    public string Prefix => $"{Model}/{Version}/";

    public string File(string name) => Prefix + name;

    public static ModelFolderPath? TryParse(string blobPath, out string? problem)
    {
        var parts = blobPath.Split('/');
        if (parts.Length != 3 || parts.Any(p => p.Length == 0 || p is "." or ".."))
        {
            problem = $"'{blobPath}' is not a model folder file: paths are {{name}}/{{version}}/{{file}}.";
            return null;
        }

        if (!ModelName.IsValid(parts[0]))
        {
            problem = $"'{blobPath}': '{parts[0]}' is not a valid model name (lower-case letters, digits and '-', starting with a letter, at most 63).";
            return null;
        }

        // Strict SemVer 2.0.0 has one spelling per version, so a version that parses is already canonical.
        if (!SemVersion.TryParse(parts[1], SemVersionStyles.Strict, out _))
        {
            problem = $"'{blobPath}': '{parts[1]}' is not a semantic version such as 1.0.0.";
            return null;
        }

        problem = null;
        return new ModelFolderPath(parts[0], parts[1]);
    }
}
