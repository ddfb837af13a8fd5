using System.Text.Json;
using Cloud.Registry;
using Cloud.Sdk.Jobs;
using Cloud.Storage;
using Cloud.Storage.Tables;

namespace Cloud.Jobs;

/// <summary>
/// The local host's durable jobs queue: one row per job in the Jobs table, keyed by the job id, so enqueuing the
/// same job twice (a redelivered registration event) is a no-op. The jobs issue adds the worker that runs them;
/// on Azure the same messages go to the Service Bus queue through the Functions host's output binding.
/// </summary>
internal sealed partial class JobQueue(ITableStore jobs, TimeProvider time, ILogger<JobQueue> logger)
{
    public const string QueuePartition = "queue";

    /// <summary>Records a job as queued; false when a job with that id was already queued.</summary>
    public async Task<bool> EnqueueAsync(JobMessage job, CancellationToken cancellationToken = default)
    {
        var row = new TableEntity(QueuePartition, job.Id)
            .Set("Kind", job.Kind)
            .Set("Model", job.Model)
            .Set("Version", job.Version)
            .Set("Status", "queued")
            .Set("Attempts", 0)
            .Set("Message", JsonSerializer.Serialize(job, RegistryRows.Json))
            .Set("QueuedAt", time.GetUtcNow());
        try
        {
            await jobs.InsertAsync(row, cancellationToken).ConfigureAwait(false);
            LogQueued(job.Id, job.Kind, job.Model, job.Version);
            return true;
        }
        catch (StorageConflictException error) when (error.Conflict == StorageConflict.AlreadyExists)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Queued job {JobId} ({Kind} {Model} {Version})")]
    private partial void LogQueued(string jobId, string kind, string model, string version);
}
