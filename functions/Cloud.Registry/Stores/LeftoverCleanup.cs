using Cloud.Registry.Registration;
using Cloud.Storage.Blobs;

namespace Cloud.Registry.Stores;

/// <summary>
/// At start, deletes what killed processes left behind: partial uploads in the embedded stores' <c>.uploads</c> folders
/// that nobody has written for <see cref="StorageOptions.AbandonedUploadAge"/> (several hosts may share a store, so only
/// age tells a dead upload from a live one), and the work folders of registrations whose process is gone
/// (<see cref="WorkFolder"/>: there a lock tells). Azure leaves no partial blob to delete: uncommitted blocks are
/// invisible to readers and the service discards them within a week.
/// </summary>
internal sealed partial class LeftoverCleanup(CloudStores stores, WorkFolder work, StorageOptions options, TimeProvider time, ILogger<LeftoverCleanup> logger)
    : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var writtenBefore = time.GetUtcNow() - options.AbandonedUploadAge;
        var uploads = new[] { stores.Models, stores.Registered }.OfType<FileSystemBlobStore>().Sum(store => store.DeleteAbandonedUploads(writtenBefore));
        var workEntries = work.DeleteAbandoned();
        if (uploads + workEntries > 0)
        {
            LogDeleted(uploads, options.AbandonedUploadAge, workEntries, work.Root);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Deleted what killed processes left: {Uploads} partial uploads unwritten for {UploadAge}, {WorkEntries} abandoned work folders or files in {WorkFolder}")]
    private partial void LogDeleted(int uploads, TimeSpan uploadAge, int workEntries, string workFolder);
}
