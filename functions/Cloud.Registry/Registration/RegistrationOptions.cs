using Cloud.Registry.Settings;

namespace Cloud.Registry.Registration;

/// <summary>Settings of model registration (section "Cloud:Registration").</summary>
internal sealed record RegistrationOptions : ISettings
{
    /// <summary>
    /// How long a folder may stay incomplete (model file missing, or smaller than the manifest declares) after
    /// model.json was uploaded before the version is failed. Uploads of big models over slow links take minutes.
    /// </summary>
    public TimeSpan IncompleteFolderWait { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Model files up to this size are loaded by ONNX Runtime inside the host to read their signature; bigger ones
    /// in a child process (ORT needs about twice a model's size while loading it). 0 sends every model to a child.
    /// </summary>
    public long InProcessInspectionLimit { get; init; } = 32L * 1024 * 1024;

    /// <summary>How long the child process may take to load a model before it is stopped and the version failed.</summary>
    public TimeSpan InspectionTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Where model files and datasets are downloaded to be hashed, loaded and copied (each process in a folder of its own,
    /// see <see cref="WorkFolder"/>); data/work by default, a cloud-work folder in the system temp folder when null.
    /// </summary>
    public string? WorkDirectory { get; init; }

    /// <summary>
    /// The program started as `PROGRAM inspect-model FILE` to load big models away from the host; null for the running
    /// host's own executable (every Cloud host answers that verb).
    /// </summary>
    public string? InspectorProgram { get; init; }

    public IEnumerable<string> Validate(string section) =>
        SettingsServiceCollectionExtensions.Positive(section, nameof(IncompleteFolderWait), IncompleteFolderWait)
            .Concat(SettingsServiceCollectionExtensions.Positive(section, nameof(InspectionTimeout), InspectionTimeout))
            .Concat(InProcessInspectionLimit < 0 ? [$"{section}:{nameof(InProcessInspectionLimit)} must be 0 or more bytes; got {InProcessInspectionLimit}."] : []);
}
