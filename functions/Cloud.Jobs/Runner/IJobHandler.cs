namespace Cloud.Jobs.Runner;

/// <summary>
/// Runs one kind of job. Register one per kind (<c>services.AddSingleton&lt;IJobHandler, ...&gt;()</c>); the runner picks
/// it by <see cref="Kind"/>. A handler is called again for the same job after a failure a retry may fix or after its
/// runner died, so whatever it changes outside the job (a version's status) must be safe to change twice.
/// </summary>
internal interface IJobHandler
{
    /// <summary>The job kind it runs (<see cref="Cloud.Sdk.Jobs.JobKinds"/>).</summary>
    string Kind { get; }

    /// <summary>
    /// Runs the job. Returns what it found; throws <see cref="JobFailedException"/> for a failure that retrying cannot
    /// fix (the job fails at once) and anything else for one that a retry may fix. Stops when
    /// <paramref name="cancellationToken"/> fires (cancelled, timed out, or the host is stopping).
    /// </summary>
    Task<JobResult> RunAsync(JobContext context, CancellationToken cancellationToken);

    /// <summary>Why a submitted job of this kind could never run (checked when it is submitted); null when it can.</summary>
    string? Check(Cloud.Sdk.Jobs.JobMessage message) => null;
}
