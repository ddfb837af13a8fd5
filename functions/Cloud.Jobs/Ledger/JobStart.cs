using Cloud.Sdk.Jobs;

namespace Cloud.Jobs.Ledger;

/// <summary>What the ledger decided when a runner asked to start a job for a message it received.</summary>
internal enum JobStartKind
{
    /// <summary>The job is the runner's: run it as run number <see cref="JobStart.Run"/>.</summary>
    Started,
    /// <summary>The job is finished (a redelivered message, or cancelled while queued): complete the message, run nothing.</summary>
    Finished,
    /// <summary>The message is an older attempt than the job has moved on to: complete it, run nothing.</summary>
    Stale,
    /// <summary>The job started as often as allowed without finishing (its runners died); it is now dead-lettered.</summary>
    Exhausted,
}

/// <summary>The ledger's answer to a runner that wants to start a job, with the job as it now is.</summary>
internal sealed record JobStart(JobStartKind Kind, JobInfo Job, int Run);
