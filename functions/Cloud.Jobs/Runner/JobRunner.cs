using System.Collections.Concurrent;
using System.Diagnostics;
using Cloud.Jobs.Ledger;
using Cloud.Jobs.Queue;
using Cloud.Jobs.Telemetry;
using Cloud.Sdk.Jobs;

namespace Cloud.Jobs.Runner;

/// <summary>
/// Takes jobs off the queue and runs them, at most <see cref="JobsOptions.Concurrency"/> at once. For each message the
/// ledger decides first (a finished job or an older attempt is dropped, so a redelivered message never runs a job
/// twice); a started job gets a heartbeat that renews its lock, writes its log tail and reads its cancel flag, and a
/// timeout. How it ends decides what happens to the message: done (succeeded, failed, cancelled, timed out) completes
/// it; a failure a retry may fix sends the next attempt after a backoff, until the job has started
/// <see cref="JobsOptions.MaxDeliveryCount"/> times and is dead-lettered with its error. The row is written before the
/// message is settled, so a runner that dies between the two leaves a message that the next runner drops.
/// </summary>
internal sealed partial class JobRunner(
    IJobQueue queue,
    JobLedger ledger,
    JobFiles files,
    IEnumerable<IJobHandler> handlers,
    JobsOptions options,
    JobRunnerMode mode,
    JobWorkspace workspace,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<JobRunner> logger) : BackgroundService
{
    private readonly Dictionary<string, IJobHandler> _handlers = handlers.ToDictionary(h => h.Kind, StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Task, bool> _running = new();

    /// <summary>Who runs the jobs this runner takes (shown on the job row).</summary>
    public static string Worker { get; } = $"{Environment.MachineName}:{Environment.ProcessId}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.RunJobs && !mode.Worker)
        {
            LogJobsRunElsewhere(queue.Description);
            return;
        }

        LogRunnerStarted(queue.Description, options.Concurrency, mode.UntilEmpty);
        using var slots = new SemaphoreSlim(options.Concurrency);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await slots.WaitAsync(stoppingToken).ConfigureAwait(false);
                IJobLease? lease;
                try
                {
                    lease = await queue.ReceiveAsync(options.ReceiveWait, stoppingToken).ConfigureAwait(false);
                }
                catch (Exception error) when (error is not OperationCanceledException)
                {
                    // The queue is unreachable for now: the loop lives and tries again.
                    slots.Release();
                    LogReceiveFailed(error, queue.Description);
                    await Task.Delay(options.ReceiveWait, time, stoppingToken).ConfigureAwait(false);
                    continue;
                }

                if (lease is null)
                {
                    slots.Release();
                    if (mode.UntilEmpty && _running.IsEmpty)
                    {
                        LogDrained(queue.Description);
                        lifetime.StopApplication();
                        return;
                    }

                    continue;
                }

                var run = Task.Run(() => RunAsync(lease, stoppingToken), CancellationToken.None);
                _running[run] = true;
                _ = run.ContinueWith(done =>
                {
                    _running.TryRemove(done, out _);
                    slots.Release();
                }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            // Jobs in flight see the stop through their token and hand their messages back before the host ends.
            await Task.WhenAll(_running.Keys).ConfigureAwait(false);
        }
    }

    /// <summary>Runs one received message to its end; never throws (the loop must live).</summary>
    internal async Task RunAsync(IJobLease lease, CancellationToken stoppingToken)
    {
        var message = lease.Message;
        using var scope = logger.BeginScope(new Dictionary<string, object?> { ["JobId"] = message.Id, ["JobKind"] = message.Kind, ["Attempt"] = message.Attempt });
        try
        {
            var start = await ledger.StartAsync(message, Worker, options.MaxDeliveryCount, stoppingToken).ConfigureAwait(false);
            switch (start.Kind)
            {
                case JobStartKind.Finished:
                    var status = start.Job.Status.ToWireName();
                    LogAlreadyFinished(message.Id, status, lease.DeliveryCount);
                    await lease.CompleteAsync(CancellationToken.None).ConfigureAwait(false);
                    return;
                case JobStartKind.Stale:
                    LogStale(message.Id, message.Attempt);
                    await lease.CompleteAsync(CancellationToken.None).ConfigureAwait(false);
                    return;
                case JobStartKind.Exhausted:
                    LogDeadLettered(message.Id, start.Job.Error!);
                    await lease.DeadLetterAsync(DeadLetterReason, start.Job.Error!, CancellationToken.None).ConfigureAwait(false);
                    return;
            }

            await RunStartedAsync(lease, start.Run, stoppingToken).ConfigureAwait(false);
        }
        catch (JobLockLostException lost)
        {
            LogLockLost(message.Id, lost.Message);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping before the job started: the message comes back after its lock.
        }
        catch (Exception error)
        {
            // The ledger or the queue failed around the job: leave the message to come back after its lock.
            LogRunFailed(error, message.Id);
        }
    }

    /// <summary>Service Bus's own reason for a message delivered too often; ours for a job started too often.</summary>
    public const string DeadLetterReason = "MaxAttemptsExceeded";

    private async Task RunStartedAsync(IJobLease lease, int run, CancellationToken stoppingToken)
    {
        var message = lease.Message;
        var directory = workspace.Create(message.Id, run);
        try
        {
            using var log = new JobLog(Path.Combine(directory, "job.log"), logger, time, JobRows.MaxTailLength);
            using var timeout = new CancellationTokenSource(options.JobTimeout, time);
            using var job = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, timeout.Token);
            var heartbeat = new Heartbeat();
            using var stopBeating = new CancellationTokenSource();
            var beating = BeatAsync(lease, run, log, heartbeat, job, stopBeating.Token);

            using var activity = JobsTelemetry.StartRun(message, run);
            var started = Stopwatch.GetTimestamp();
            var outcome = await RunHandlerAsync(message, run, log, directory, heartbeat, timeout, job.Token, stoppingToken).ConfigureAwait(false);
            JobsTelemetry.Ended(activity, message, outcome, Stopwatch.GetElapsedTime(started));
            await stopBeating.CancelAsync().ConfigureAwait(false);
            await beating.ConfigureAwait(false);
            await EndAsync(lease, run, log, outcome).ConfigureAwait(false);
        }
        finally
        {
            workspace.Delete(directory);
        }
    }

    private async Task<RunOutcome> RunHandlerAsync(JobMessage message, int run, JobLog log, string directory, Heartbeat heartbeat,
        CancellationTokenSource timeout, CancellationToken jobToken, CancellationToken stoppingToken)
    {
        var clock = Stopwatch.StartNew();
        LogStarted(log, message.Id, message.Kind, run, Worker);
        if (!_handlers.TryGetValue(message.Kind, out var handler))
        {
            return RunOutcome.Failed($"No handler runs jobs of kind '{message.Kind}' here; known kinds: {string.Join(", ", _handlers.Keys.Order(StringComparer.Ordinal))}.");
        }

        try
        {
            var result = await handler.RunAsync(new JobContext(message, run, log, directory), jobToken).ConfigureAwait(false);
            LogSucceeded(log, message.Id, clock.Elapsed.TotalSeconds, result.Summary);
            return RunOutcome.Succeeded(result.Summary);
        }
        catch (OperationCanceledException) when (jobToken.IsCancellationRequested)
        {
            var outcome = heartbeat.State switch
            {
                RunState.CancelRequested => RunOutcome.Cancelled(),
                RunState.Superseded => RunOutcome.Superseded(),
                _ when stoppingToken.IsCancellationRequested => RunOutcome.Interrupted(),
                _ when timeout.IsCancellationRequested => RunOutcome.Failed($"Timed out after {options.JobTimeout} (Cloud:Jobs:JobTimeout)."),
                _ => RunOutcome.Retry("The job was cancelled unexpectedly."),
            };
            var status = outcome.JobStatus.ToWireName();
            LogEnded(log, message.Id, status, outcome.Error ?? "cancelled");
            return outcome;
        }
        catch (JobFailedException failed)
        {
            LogFailed(log, failed, message.Id, failed.Message);
            return RunOutcome.Failed(failed.Message);
        }
        catch (Exception error)
        {
            LogErrored(log, error, message.Id, error.Message);
            return RunOutcome.Retry($"{error.GetType().Name}: {error.Message}");
        }
    }

    /// <summary>Writes how the run ended to the row (with its log), then settles the message accordingly.</summary>
    private async Task EndAsync(IJobLease lease, int run, JobLog log, RunOutcome outcome)
    {
        var message = lease.Message;
        if (outcome.Status == RunOutcomeStatus.Superseded)
        {
            // Another runner holds the job now: neither its row nor the message is this run's to touch.
            LogLockLost(message.Id, "another runner took the job over");
            return;
        }

        var retry = outcome.Status is RunOutcomeStatus.Retry or RunOutcomeStatus.Interrupted;
        var deadLetter = outcome.Status == RunOutcomeStatus.Retry && run >= options.MaxDeliveryCount;
        var status = deadLetter ? JobStatus.DeadLettered : outcome.JobStatus;
        var error = deadLetter ? $"Failed {run} times (Cloud:Jobs:MaxDeliveryCount is {options.MaxDeliveryCount}); the last error: {outcome.Error}" : outcome.Error;
        // A stopping host hands the job back at once, for another runner (or itself, restarted) to take.
        var backoff = outcome.Status == RunOutcomeStatus.Interrupted ? TimeSpan.Zero : options.BackoffBefore(run);
        if (retry && !deadLetter)
        {
            LogRetrying(log, message.Id, backoff.TotalSeconds);
        }

        log.Flush();
        await PutLogAsync(message.Id, run, log).ConfigureAwait(false);
        if (!await ledger.EndRunAsync(message.Id, run, status, outcome.Summary, error, log.Tail, CancellationToken.None).ConfigureAwait(false))
        {
            LogLockLost(message.Id, "another runner took the job over");
            return;
        }

        if (deadLetter)
        {
            LogDeadLettered(message.Id, error!);
            await lease.DeadLetterAsync(DeadLetterReason, error!, CancellationToken.None).ConfigureAwait(false);
        }
        else if (retry)
        {
            await lease.RetryAsync(backoff, CancellationToken.None).ConfigureAwait(false);
        }
        else
        {
            await lease.CompleteAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    private async Task PutLogAsync(string id, int run, JobLog log)
    {
        try
        {
            await files.PutLogAsync(id, run, log.Path, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception error) when (error is IOException or Azure.RequestFailedException)
        {
            // The log is the record of a run, not its outcome: the job still ends as it ended (its row keeps the tail).
            LogLogUploadFailed(error, id);
        }
    }

    /// <summary>Until stopped: renews the lock, writes the log tail and reads the cancel flag; cancels the job when it must stop.</summary>
    private async Task BeatAsync(IJobLease lease, int run, JobLog log, Heartbeat heartbeat, CancellationTokenSource job, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(options.HeartbeatInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
            {
                try
                {
                    await lease.RenewAsync(stop).ConfigureAwait(false);
                    heartbeat.State = await ledger.HeartbeatAsync(lease.Message.Id, run, log.Tail, stop).ConfigureAwait(false);
                }
                catch (JobLockLostException)
                {
                    heartbeat.State = RunState.Superseded;
                }
                catch (Exception error) when (error is not OperationCanceledException)
                {
                    // A missed beat is not fatal: the lock outlives two of them (HeartbeatInterval ≤ LockDuration / 2).
                    LogHeartbeatFailed(error, lease.Message.Id);
                }

                if (heartbeat.State != RunState.Continue)
                {
                    await job.CancelAsync().ConfigureAwait(false);
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    /// <summary>What the heartbeat last found, read by the run when its token fires.</summary>
    private sealed class Heartbeat
    {
        private int _state;

        public RunState State
        {
            get => (RunState)Volatile.Read(ref _state);
            set => Volatile.Write(ref _state, (int)value);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Job runner started on {Queue}: {Concurrency} at once, until empty: {UntilEmpty}")]
    private partial void LogRunnerStarted(string queue, int concurrency, bool untilEmpty);

    [LoggerMessage(Level = LogLevel.Information, Message = "Jobs on {Queue} run elsewhere (Cloud:Jobs:RunJobs is false); this host only submits them")]
    private partial void LogJobsRunElsewhere(string queue);

    [LoggerMessage(Level = LogLevel.Information, Message = "Queue {Queue} is drained; the runner stops")]
    private partial void LogDrained(string queue);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Receiving from {Queue} failed; trying again")]
    private partial void LogReceiveFailed(Exception error, string queue);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} is {Status} already; message delivered {DeliveryCount} time(s) dropped")]
    private partial void LogAlreadyFinished(string jobId, string status, int deliveryCount);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} moved past attempt {Attempt}; the older message is dropped")]
    private partial void LogStale(string jobId, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} dead-lettered: {Error}")]
    private partial void LogDeadLettered(string jobId, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} is no longer this runner's: {Reason}")]
    private partial void LogLockLost(string jobId, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Running job {JobId} failed outside its handler; its message comes back after its lock")]
    private partial void LogRunFailed(Exception error, string jobId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Heartbeat of job {JobId} failed")]
    private partial void LogHeartbeatFailed(Exception error, string jobId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The log of job {JobId} could not be stored")]
    private partial void LogLogUploadFailed(Exception error, string jobId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} ({Kind}) run {Run} started on {Worker}")]
    private static partial void LogStarted(ILogger log, string jobId, string kind, int run, string worker);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} succeeded in {Seconds:F1} s: {Summary}")]
    private static partial void LogSucceeded(ILogger log, string jobId, double seconds, string summary);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} ended {Status}: {Reason}")]
    private static partial void LogEnded(ILogger log, string jobId, string status, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobId} failed: {Reason}")]
    private static partial void LogFailed(ILogger log, Exception error, string jobId, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobId} failed (a retry may fix it): {Reason}")]
    private static partial void LogErrored(ILogger log, Exception error, string jobId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} will be retried in {Seconds:F0} s")]
    private static partial void LogRetrying(ILogger log, string jobId, double seconds);
}
