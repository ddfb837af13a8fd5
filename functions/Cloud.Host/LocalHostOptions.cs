using Cloud.Registry.Settings;

namespace Cloud.Host;

/// <summary>Settings of the local host itself (section "Cloud:Local").</summary>
internal sealed record LocalHostOptions : ISettings
{
    /// <summary>Model folders (e.g. the repository's samples/models) copied into an empty store at start; null for none.</summary>
    public string? SeedModelsFrom { get; init; }

    /// <summary>How often the store scanner (the local blob trigger) lists the models container.</summary>
    public TimeSpan ScanInterval { get; init; } = TimeSpan.FromSeconds(2);

    public IEnumerable<string> Validate(string section) =>
        SettingsServiceCollectionExtensions.Positive(section, nameof(ScanInterval), ScanInterval);
}
