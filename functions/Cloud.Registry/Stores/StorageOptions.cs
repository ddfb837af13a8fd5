using Cloud.Registry.Settings;

namespace Cloud.Registry.Stores;

/// <summary>
/// Where the models container and the registry and jobs tables live (section "Cloud:Storage"): embedded (a folder and
/// a SQLite file under <see cref="DataDirectory"/>) unless a connection string is given (Azurite or Azure).
/// </summary>
internal sealed record StorageOptions : ISettings
{
    /// <summary>Where local state lives: models/ (embedded blobs), cloud.db (embedded tables), cache/ and work/ (model files).</summary>
    public string DataDirectory { get; init; } = ".cloud";

    /// <summary><see cref="DataDirectory"/> as an absolute path (relative ones are taken from the working directory).</summary>
    public string FullDataDirectory => Path.GetFullPath(DataDirectory);

    /// <summary>An Azure Storage connection string (or UseDevelopmentStorage=true for Azurite); null for the embedded stores.</summary>
    public string? ConnectionString { get; init; }

    public string ModelsContainer { get; init; } = "models";

    public string RegistryTable { get; init; } = "ModelRegistry";

    public string JobsTable { get; init; } = "Jobs";

    public IEnumerable<string> Validate(string section)
    {
        if (string.IsNullOrWhiteSpace(DataDirectory))
        {
            yield return $"{section}:DataDirectory must name a folder; got '{DataDirectory}'.";
        }

        foreach (var (key, value) in new[] { ("ModelsContainer", ModelsContainer), ("RegistryTable", RegistryTable), ("JobsTable", JobsTable) })
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                yield return $"{section}:{key} must not be empty.";
            }
        }
    }
}
