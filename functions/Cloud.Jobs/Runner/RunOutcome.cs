using Cloud.Sdk.Jobs;

namespace Cloud.Jobs.Runner;

/// <summary>How one run of a job ended.</summary>
internal enum RunOutcomeStatus
{
    Succeeded,
    /// <summary>Retrying cannot fix it (or it timed out): the job fails.</summary>
    Failed,
    /// <summary>A retry may fix it: the next attempt, or dead-lettered when the job has run out of attempts.</summary>
    Retry,
    /// <summary>The runner is stopping (the host shuts down): the job goes back on the queue at once, whatever its attempts.</summary>
    Interrupted,
    Cancelled,
    /// <summary>Another runner took the job over (this run's lock ran out): nothing of it is recorded.</summary>
    Superseded,
}

/// <summary>How one run of a job ended, with its summary or error.</summary>
internal sealed record RunOutcome(RunOutcomeStatus Status, string? Summary, string? Error)
{
    public static RunOutcome Succeeded(string summary) => new(RunOutcomeStatus.Succeeded, summary, null);

    public static RunOutcome Failed(string error) => new(RunOutcomeStatus.Failed, null, error);

    public static RunOutcome Retry(string error) => new(RunOutcomeStatus.Retry, null, error);

    public static RunOutcome Interrupted() => new(RunOutcomeStatus.Interrupted, null, "The runner stopped mid-job (its host shut down).");

    public static RunOutcome Cancelled() => new(RunOutcomeStatus.Cancelled, null, "Cancelled through the management API.");

    public static RunOutcome Superseded() => new(RunOutcomeStatus.Superseded, null, null);

    /// <summary>The job status the run leaves (a retry is "queued" until it runs out of attempts).</summary>
    public JobStatus JobStatus => Status switch
    {
        RunOutcomeStatus.Succeeded => JobStatus.Succeeded,
        RunOutcomeStatus.Cancelled => JobStatus.Cancelled,
        RunOutcomeStatus.Failed => JobStatus.Failed,
        _ => JobStatus.Queued,
    };
}
