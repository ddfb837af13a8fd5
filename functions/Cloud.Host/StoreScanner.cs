using Cloud.Registry.Registration;
using Cloud.Serving.Hosting;
using Cloud.Storage.Blobs;

namespace Cloud.Host;

/// <summary>
/// The local host's blob trigger: lists the models container on an interval and registers every folder that has
/// a new or changed file (at start, every folder). Folders whose registration said "not yet" are looked at again
/// on every pass, so an incomplete upload registers when it completes or fails when its wait runs out.
/// </summary>
internal sealed partial class StoreScanner(
    IBlobStore models, RegistrationWorkflow registration, LocalHostOptions options, TimeProvider time, ILogger<StoreScanner> logger)
    : BackgroundService, IReadinessSignal
{
    private readonly Dictionary<string, string> _seen = new(StringComparer.Ordinal);
    private readonly HashSet<string> _pending = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _firstPass = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the first pass over the container has finished.</summary>
    public Task FirstPass => _firstPass.Task;

    /// <summary>One pass: register folders with new or changed files, and folders still pending.</summary>
    public async Task ScanAsync(CancellationToken cancellationToken)
    {
        var changedFolders = new SortedDictionary<string, string>(StringComparer.Ordinal);
        await foreach (var blob in models.ListAsync("", cancellationToken).ConfigureAwait(false))
        {
            var etag = blob.ETag.ToString();
            if (_seen.TryGetValue(blob.Path, out var known) && known == etag)
            {
                continue;
            }

            _seen[blob.Path] = etag;
            var slash = blob.Path.LastIndexOf('/');
            var folder = slash > 0 ? blob.Path[..slash] : blob.Path;
            // Prefer model.json as the folder's representative path: it names the whole folder either way.
            if (!changedFolders.ContainsKey(folder) || blob.Path.EndsWith("/model.json", StringComparison.Ordinal))
            {
                changedFolders[folder] = blob.Path;
            }
        }

        foreach (var pending in _pending)
        {
            changedFolders.TryAdd(pending[..pending.LastIndexOf('/')], pending);
        }

        foreach (var path in changedFolders.Values)
        {
            await RegisterAsync(path, cancellationToken).ConfigureAwait(false);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.ScanInterval, time);
        do
        {
            try
            {
                await ScanAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                LogScanFailed(error.Message);
            }

            _firstPass.TrySetResult();
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    private async Task RegisterAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            var outcome = await registration.HandleBlobAsync(path, cancellationToken).ConfigureAwait(false);
            if (outcome.Status == RegistrationStatus.Pending)
            {
                _pending.Add(path);
            }
            else
            {
                _pending.Remove(path);
            }
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            // The registration failed for a reason outside the folder (storage down, say): try again next pass.
            _seen.Remove(path);
            LogRegistrationFailed(path, error.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Scanning the models container failed: {Reason}")]
    private partial void LogScanFailed(string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Registering {BlobPath} failed and will be retried: {Reason}")]
    private partial void LogRegistrationFailed(string blobPath, string reason);
}
