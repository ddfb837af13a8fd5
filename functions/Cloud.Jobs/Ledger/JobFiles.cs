using System.Globalization;
using Cloud.Sdk.Jobs;
using Cloud.Storage.Blobs;

namespace Cloud.Jobs.Ledger;

/// <summary>
/// What a job keeps beside its row in the jobs container, under {job id}/: one full log per run
/// (attempt-{n}.log). A run whose runner died has no log there; its row keeps the tail its last heartbeat wrote.
/// A train job's curve is curve.jsonl (its latest run's: a run that starts again writes it anew).
/// </summary>
internal sealed class JobFiles(IBlobStore container)
{
    private const string LogPrefix = "attempt-";
    private const string LogSuffix = ".log";

    private const string CurveName = "curve.jsonl";
    private const string TrialsName = "trials.jsonl";

    public static string CurvePath(string id) => $"{id}/{CurveName}";

    public async Task PutCurveAsync(string id, string localFile, CancellationToken cancellationToken)
    {
        var content = new FileStream(localFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        await using (content.ConfigureAwait(false))
        {
            await container.PutAsync(CurvePath(id), content, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The job's training curve (JSON Lines), or null when it has none.</summary>
    public async Task<BlobDownload?> OpenCurveAsync(string id, CancellationToken cancellationToken) =>
        JobIds.IsValid(id) ? await container.OpenReadAsync(CurvePath(id), cancellationToken).ConfigureAwait(false) : null;

    /// <summary>A tune job's trial history: one line per trial run (docs/jobs.md), written when its search ends.</summary>
    public static string TrialsPath(string id) => $"{id}/{TrialsName}";

    /// <summary>The tune job's trial history (JSON Lines), or null when it has none (yet).</summary>
    public async Task<BlobDownload?> OpenTrialsAsync(string id, CancellationToken cancellationToken) =>
        JobIds.IsValid(id) ? await container.OpenReadAsync(TrialsPath(id), cancellationToken).ConfigureAwait(false) : null;

    public static string LogPath(string id, int run) => $"{id}/{LogPrefix}{run.ToString(CultureInfo.InvariantCulture)}{LogSuffix}";

    public async Task PutLogAsync(string id, int run, string localFile, CancellationToken cancellationToken)
    {
        var content = File.OpenRead(localFile);
        await using (content.ConfigureAwait(false))
        {
            await container.PutAsync(LogPath(id, run), content, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The latest run's log that exists, or null when the job has none.</summary>
    public async Task<BlobDownload?> OpenLatestLogAsync(string id, CancellationToken cancellationToken)
    {
        if (!JobIds.IsValid(id))
        {
            return null;
        }

        var latest = 0;
        await foreach (var blob in container.ListAsync($"{id}/{LogPrefix}", cancellationToken).ConfigureAwait(false))
        {
            var name = blob.Path[(id.Length + 1 + LogPrefix.Length)..];
            if (name.EndsWith(LogSuffix, StringComparison.Ordinal)
                && int.TryParse(name[..^LogSuffix.Length], NumberStyles.None, CultureInfo.InvariantCulture, out var run))
            {
                latest = Math.Max(latest, run);
            }
        }

        return latest == 0 ? null : await container.OpenReadAsync(LogPath(id, latest), cancellationToken).ConfigureAwait(false);
    }
}
