using Cloud.Registry.Settings;

namespace Cloud.Registry.Stores;

/// <summary>
/// Where the models and jobs containers and the registry and jobs tables live (section "Cloud:Storage"): embedded (a folder and
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

    /// <summary>
    /// The account's blob service (https://account.blob.core.windows.net), with <see cref="TableServiceUri"/>: the stores
    /// authenticate with Entra ID through DefaultAzureCredential (managed identity in Azure), no secret in settings.
    /// </summary>
    public Uri? BlobServiceUri { get; init; }

    /// <summary>The account's table service (https://account.table.core.windows.net); given with <see cref="BlobServiceUri"/>.</summary>
    public Uri? TableServiceUri { get; init; }

    /// <summary>Whether the stores are Azure's (by connection string or by service URIs) rather than embedded.</summary>
    public bool IsAzure => !string.IsNullOrWhiteSpace(ConnectionString) || BlobServiceUri is not null;

    public string ModelsContainer { get; init; } = "models";

    /// <summary>
    /// Where registration keeps its copies of every registered version's files (content-addressed, sha256/{hash}), the
    /// bytes serving reads. Not the models container: no upload, store scanner or blob trigger writes or watches it.
    /// </summary>
    public string RegisteredContainer { get; init; } = "models-registered";

    /// <summary>
    /// How long an embedded store's partial upload (in its .uploads folder) may go unwritten before a starting host
    /// deletes it as abandoned: the upload's process died. Live uploads write every few milliseconds, so an hour
    /// keeps every live one even when several hosts share the folder.
    /// </summary>
    public TimeSpan AbandonedUploadAge { get; init; } = TimeSpan.FromHours(1);

    public string RegistryTable { get; init; } = "ModelRegistry";

    public string JobsTable { get; init; } = "Jobs";

    /// <summary>Where jobs keep what does not fit a table row: full logs (later metric histories and training curves), under {job id}/.</summary>
    public string JobsContainer { get; init; } = "jobs";

    /// <summary>The embedded SQLite file (tables, and the embedded job queue) under <see cref="DataDirectory"/>.</summary>
    public string EmbeddedDatabase => Path.Combine(FullDataDirectory, "cloud.db");

    public IEnumerable<string> Validate(string section)
    {
        if (string.IsNullOrWhiteSpace(DataDirectory))
        {
            yield return $"{section}:DataDirectory must name a folder; got '{DataDirectory}'.";
        }

        if ((BlobServiceUri is null) != (TableServiceUri is null))
        {
            yield return $"{section}:BlobServiceUri and {section}:TableServiceUri go together; only {(BlobServiceUri is null ? "TableServiceUri" : "BlobServiceUri")} is set.";
        }

        if (BlobServiceUri is not null && !string.IsNullOrWhiteSpace(ConnectionString))
        {
            yield return $"{section}:ConnectionString and {section}:BlobServiceUri both name an account; set one of them.";
        }

        foreach (var (key, uri) in new[] { ("BlobServiceUri", BlobServiceUri), ("TableServiceUri", TableServiceUri) })
        {
            if (uri is { IsAbsoluteUri: false } || uri is { Scheme: not ("https" or "http") })
            {
                yield return $"{section}:{key} must be an absolute http(s) URI; got '{uri}'.";
            }
        }

        foreach (var (key, value) in new[] { ("ModelsContainer", ModelsContainer), ("RegisteredContainer", RegisteredContainer), ("RegistryTable", RegistryTable), ("JobsTable", JobsTable), ("JobsContainer", JobsContainer) })
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                yield return $"{section}:{key} must not be empty.";
            }
        }

        // The same container would put the registered copies where uploads land and the scanner looks.
        if (string.Equals(ModelsContainer, RegisteredContainer, StringComparison.OrdinalIgnoreCase))
        {
            yield return $"{section}:RegisteredContainer must differ from {section}:ModelsContainer; both are '{ModelsContainer}'.";
        }

        foreach (var problem in SettingsServiceCollectionExtensions.Positive(section, nameof(AbandonedUploadAge), AbandonedUploadAge))
        {
            yield return problem;
        }
    }
}
