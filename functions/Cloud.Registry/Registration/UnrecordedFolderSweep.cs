using Cloud.Storage.Blobs;

namespace Cloud.Registry.Registration;

/// <summary>
/// Looks again at every model folder the registry has no version for. Where uploads arrive as events (the Functions
/// app's Event Grid trigger), a folder whose last file never arrives gets no later event, so nothing would ever fail
/// it after <see cref="RegistrationOptions.IncompleteFolderWait"/> as the local host's scanner does; this sweep, run
/// on a timer, is that later look. Each folder goes through the one registration path, so it registers (an event was
/// lost), stays pending (still within its wait), or is recorded as failed with the reason — and a sweep that races an
/// event or another instance's sweep changes nothing, because registration is idempotent.
/// </summary>
internal sealed partial class UnrecordedFolderSweep(
    IBlobStore models, ModelRegistry registry, RegistrationWorkflow registration, ILogger<UnrecordedFolderSweep> logger)
{
    public async Task<IReadOnlyList<RegistrationOutcome>> RunAsync(CancellationToken cancellationToken)
    {
        // One representative blob per folder, model.json preferred (it names the whole folder either way).
        var folders = new SortedDictionary<string, (ModelFolderPath Folder, string Path)>(StringComparer.Ordinal);
        await foreach (var blob in models.ListAsync("", cancellationToken).ConfigureAwait(false))
        {
            if (ModelFolderPath.TryParse(blob.Path, out _) is not { } folder)
            {
                continue;
            }

            if (!folders.ContainsKey(folder.Prefix) || blob.Path.EndsWith("/" + Cloud.Sdk.Manifests.ModelManifest.FileName, StringComparison.Ordinal))
            {
                folders[folder.Prefix] = (folder, blob.Path);
            }
        }

        var outcomes = new List<RegistrationOutcome>();
        var recorded = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var (folder, path) in folders.Values)
        {
            // One listing per model, not one read per folder: most folders are recorded versions.
            if (!recorded.TryGetValue(folder.Model, out var versions))
            {
                versions = [.. (await registry.ListVersionsAsync(folder.Model, cancellationToken).ConfigureAwait(false)).Select(v => v.Version)];
                recorded[folder.Model] = versions;
            }

            if (versions.Contains(folder.Version))
            {
                continue;
            }

            var outcome = await registration.HandleBlobAsync(path, cancellationToken).ConfigureAwait(false);
            LogLookedAgain(folder.Prefix, outcome.Status, outcome.Message);
            outcomes.Add(outcome);
        }

        return outcomes;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Sweep: {Folder} had no recorded version; {Status}. {Message}")]
    private partial void LogLookedAgain(string folder, RegistrationStatus status, string message);
}
