using Cloud.Jobs.Ledger;
using Cloud.Jobs.Queue;
using Cloud.Jobs.Telemetry;
using Cloud.Sdk.Jobs;

namespace Cloud.Jobs;

/// <summary>
/// Submits jobs: the row first, then the message. Idempotent by job id: submitting a job that exists adds no job, and
/// when it is still queued its message is sent again — the queue drops the copy (duplicate detection by id and
/// attempt), and a job whose first send failed after its row was written gets its message now.
/// </summary>
internal sealed partial class JobSubmitter(JobLedger ledger, IJobQueue queue, ILogger<JobSubmitter> logger)
{
    /// <summary>Submits the job; its message is deliverable after <paramref name="delay"/> (a soak window), at once by default.</summary>
    public async Task<(JobInfo Job, bool Created)> SubmitAsync(JobMessage message, CancellationToken cancellationToken, TimeSpan delay = default)
    {
        // The producer span of the messaging conventions; its traceparent is kept on the row, so every attempt's run links to it.
        using var activity = JobsTelemetry.StartSubmit(message);
        message = message with { TraceParent = message.TraceParent ?? JobsTelemetry.TraceParentOf(activity) };
        var (row, created) = await ledger.CreateAsync(message, cancellationToken).ConfigureAwait(false);
        if (JobRows.StatusOf(row) == JobStatus.Queued)
        {
            await queue.EnqueueAsync(JobRows.NextMessage(row), delay, cancellationToken).ConfigureAwait(false);
        }

        var job = JobRows.ToInfo(row);
        if (created)
        {
            JobsTelemetry.Created(job.Kind);
            LogSubmitted(job.Id, job.Kind, job.Model, job.Version, queue.Description);
        }

        return (job, created);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Queued job {JobId} ({Kind} {Model} {Version}) on {Queue}")]
    private partial void LogSubmitted(string jobId, string kind, string? model, string? version, string queue);
}
