using Cloud.Sdk.Jobs;
using Cloud.Storage.Blobs;

namespace Cloud.Registry.Jobs;

/// <summary>
/// What the management API (in Cloud.Serving) asks of the jobs room (Cloud.Jobs). The two rooms are peers that do not
/// reference each other, so the API calls this interface, which the jobs room implements, as registration calls its
/// follow-ups. Refusals are <see cref="RegistryException"/>s, which the API maps like every other management error.
/// </summary>
internal interface IJobManagement
{
    /// <summary>
    /// Records the job as queued and puts its message on the queue. A request whose id is taken returns that job
    /// with <c>Created</c> false (a retried submission), whatever else it asks.
    /// </summary>
    Task<(JobInfo Job, bool Created)> SubmitAsync(JobRequest request, CancellationToken cancellationToken);

    /// <summary>Jobs, newest first, optionally of one model and in one status.</summary>
    Task<IReadOnlyList<JobInfo>> ListAsync(string? model, JobStatus? status, CancellationToken cancellationToken);

    /// <summary>The job, or null when there is none with that id.</summary>
    Task<JobInfo?> GetAsync(string id, CancellationToken cancellationToken);

    /// <summary>The full log of the job's latest attempt, or null when it has none (yet).</summary>
    Task<BlobDownload?> OpenLogAsync(string id, CancellationToken cancellationToken);

    /// <summary>A train job's curve (JSON Lines, one point per line, as its trainer wrote them), or null when it has none (yet).</summary>
    Task<BlobDownload?> OpenCurveAsync(string id, CancellationToken cancellationToken);

    /// <summary>A tune job's trials (JSON Lines, one trial run per line), or null when it has none (yet: they are stored when its search ends).</summary>
    Task<BlobDownload?> OpenTrialsAsync(string id, CancellationToken cancellationToken);

    /// <summary>
    /// Cancels a queued job at once, or asks the runner holding a running one to stop it. Null when there is no such
    /// job; a finished job is refused (<see cref="RegistryError.RuleViolation"/>).
    /// </summary>
    Task<JobInfo?> CancelAsync(string id, CancellationToken cancellationToken);
}
