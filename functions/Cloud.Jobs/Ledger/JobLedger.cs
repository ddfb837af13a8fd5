using Cloud.Registry;
using Cloud.Sdk.Jobs;
using Cloud.Storage;
using Cloud.Storage.Tables;

namespace Cloud.Jobs.Ledger;

/// <summary>
/// The job rows: the record of every job and the authority on whether a message still has work to do. The queue
/// delivers at least once; the ledger makes that exactly once in effect: a finished job is never started again, a
/// message older than the job's latest attempt is dropped, and a runner whose job another runner took over (its lock
/// ran out) finds out at its next heartbeat, because every write of a run is conditional on the run being the latest.
/// </summary>
internal sealed class JobLedger(ITableStore table, TimeProvider time)
{
    /// <summary>Records a queued job; when the id is taken, returns the job that has it.</summary>
    public async Task<(TableEntity Row, bool Created)> CreateAsync(JobMessage message, CancellationToken cancellationToken)
    {
        try
        {
            return (await table.InsertAsync(JobRows.New(message, time.GetUtcNow()), cancellationToken).ConfigureAwait(false), true);
        }
        catch (StorageConflictException error) when (error.Conflict == StorageConflict.AlreadyExists)
        {
            var existing = await table.GetAsync(JobRows.Partition, message.Id, cancellationToken).ConfigureAwait(false);
            return existing is null ? await CreateAsync(message, cancellationToken).ConfigureAwait(false) : (existing, false);
        }
    }

    public async Task<JobInfo?> GetAsync(string id, CancellationToken cancellationToken) =>
        JobIds.IsValid(id) && await table.GetAsync(JobRows.Partition, id, cancellationToken).ConfigureAwait(false) is { } row ? JobRows.ToInfo(row) : null;

    /// <summary>Jobs, newest first, optionally of one model and in one status.</summary>
    public async Task<IReadOnlyList<JobInfo>> ListAsync(string? model, JobStatus? status, CancellationToken cancellationToken)
    {
        var jobs = new List<JobInfo>();
        await foreach (var row in table.QueryPartitionAsync(JobRows.Partition, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            var job = JobRows.ToInfo(row);
            if ((model is null || job.Model == model) && (status is null || job.Status == status))
            {
                jobs.Add(job);
            }
        }

        jobs.Sort((a, b) => b.CreatedAt != a.CreatedAt ? b.CreatedAt.CompareTo(a.CreatedAt) : string.CompareOrdinal(a.Id, b.Id));
        return jobs;
    }

    /// <summary>Decides whether a received message starts its job, and records the start when it does.</summary>
    public async Task<JobStart> StartAsync(JobMessage message, string worker, int maxRuns, CancellationToken cancellationToken)
    {
        while (true)
        {
            var row = await table.GetAsync(JobRows.Partition, message.Id, cancellationToken).ConfigureAwait(false);
            if (row is null)
            {
                // A message whose job was never recorded (sent by another producer): record it, then decide.
                await CreateAsync(message with { Attempt = 1 }, cancellationToken).ConfigureAwait(false);
                continue;
            }

            var status = JobRows.StatusOf(row);
            var now = time.GetUtcNow();
            JobStart decision;
            if (status.IsFinished())
            {
                return new JobStart(JobStartKind.Finished, JobRows.ToInfo(row), JobRows.Runs(row));
            }
            else if (message.Attempt < JobRows.LastAttempt(row))
            {
                return new JobStart(JobStartKind.Stale, JobRows.ToInfo(row), JobRows.Runs(row));
            }
            else if (row.Get<bool>("CancelRequested"))
            {
                // Asked to stop while its runner died: there is nothing left to stop.
                row.SetStatus(JobStatus.Cancelled, now);
                decision = new JobStart(JobStartKind.Finished, JobRows.ToInfo(row), JobRows.Runs(row));
            }
            else if (JobRows.Runs(row) >= maxRuns)
            {
                var last = row.Get<string>("Error");
                row.SetStatus(JobStatus.DeadLettered, now).SetText("Error",
                    $"Started {JobRows.Runs(row)} times without finishing (Cloud:Jobs:MaxDeliveryCount is {maxRuns}): its runners stopped mid-job." +
                    (last is null ? string.Empty : $" Last error: {last}"), JobRows.MaxErrorLength);
                decision = new JobStart(JobStartKind.Exhausted, JobRows.ToInfo(row), JobRows.Runs(row));
            }
            else
            {
                var run = JobRows.Runs(row) + 1;
                row.SetStatus(JobStatus.Running, now)
                    .Set("Attempt", message.Attempt)
                    .Set("Attempts", run)
                    .Set("StartedAt", now)
                    .Set("Worker", worker)
                    .Set("LogTail", null);
                decision = new JobStart(JobStartKind.Started, JobRows.ToInfo(row), run);
            }

            if (await TryUpdateAsync(row, cancellationToken).ConfigureAwait(false))
            {
                return decision;
            }
        }
    }

    /// <summary>
    /// A running job's heartbeat: records its log tail, and says whether to stop — cancellation was asked for, or the
    /// job is no longer this run's (another runner took it over after this one's lock ran out).
    /// </summary>
    public async Task<RunState> HeartbeatAsync(string id, int run, string logTail, CancellationToken cancellationToken)
    {
        var state = RunState.Continue;
        var latest = await UpdateRunAsync(id, run, row =>
        {
            state = row.Get<bool>("CancelRequested") ? RunState.CancelRequested : RunState.Continue;
            row.SetText("LogTail", logTail, JobRows.MaxTailLength, keepEnd: true).Set("UpdatedAt", time.GetUtcNow());
        }, cancellationToken).ConfigureAwait(false);
        return latest ? state : RunState.Superseded;
    }

    /// <summary>
    /// Records how a run ended: finished, or <see cref="JobStatus.Queued"/> again for a retry. False when the job is no
    /// longer this run's (nothing is written then).
    /// </summary>
    public Task<bool> EndRunAsync(string id, int run, JobStatus status, string? summary, string? error, string logTail, CancellationToken cancellationToken) =>
        UpdateRunAsync(id, run, row => row.SetStatus(status, time.GetUtcNow())
            .SetText("Summary", summary, JobRows.MaxSummaryLength)
            .SetText("Error", error, JobRows.MaxErrorLength)
            .SetText("LogTail", logTail, JobRows.MaxTailLength, keepEnd: true), cancellationToken);

    /// <summary>
    /// Cancels a queued job at once, or flags a running one for its runner. Null when there is no such job; refused
    /// for a finished one.
    /// </summary>
    public async Task<JobInfo?> CancelAsync(string id, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (!JobIds.IsValid(id) || await table.GetAsync(JobRows.Partition, id, cancellationToken).ConfigureAwait(false) is not { } row)
            {
                return null;
            }

            var status = JobRows.StatusOf(row);
            if (status.IsFinished())
            {
                throw new RegistryException(RegistryError.RuleViolation, $"Job '{id}' is {status.ToWireName()} already; there is nothing to cancel.");
            }

            // A queued job's message stays on the queue; the runner that receives it finds the job finished and drops it.
            var now = time.GetUtcNow();
            _ = status == JobStatus.Queued ? row.SetStatus(JobStatus.Cancelled, now) : row.Set("CancelRequested", true).Set("UpdatedAt", now);
            if (await TryUpdateAsync(row, cancellationToken).ConfigureAwait(false))
            {
                return JobRows.ToInfo(row);
            }
        }
    }

    /// <summary>Applies a change to the job's row if the job is still this run's; false when it is not.</summary>
    private async Task<bool> UpdateRunAsync(string id, int run, Action<TableEntity> change, CancellationToken cancellationToken)
    {
        while (true)
        {
            var row = await table.GetAsync(JobRows.Partition, id, cancellationToken).ConfigureAwait(false);
            if (row is null || JobRows.Runs(row) != run || JobRows.StatusOf(row).IsFinished())
            {
                return false;
            }

            change(row);
            if (await TryUpdateAsync(row, cancellationToken).ConfigureAwait(false))
            {
                return true;
            }
        }
    }

    /// <summary>Writes the row if nobody wrote it since it was read; false (read again) when someone did.</summary>
    private async Task<bool> TryUpdateAsync(TableEntity row, CancellationToken cancellationToken)
    {
        try
        {
            await table.UpdateAsync(row, row.ETag, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (StorageConflictException error) when (error.Conflict == StorageConflict.ETagMismatch)
        {
            return false;
        }
    }
}
