using System.Text.Json;

namespace Cloud.Sdk.Jobs;

/// <summary>A job as the jobs table records it (GET /api/jobs/{id}). The full log is a blob beside it (GET /api/jobs/{id}/log).</summary>
/// <param name="Id">The job id.</param>
/// <param name="Kind">What the job does.</param>
/// <param name="Model">The model it works on, if any.</param>
/// <param name="Version">The model version it works on, if any.</param>
/// <param name="Spec">Kind-specific settings, if any.</param>
/// <param name="Status">Where it is.</param>
/// <param name="Attempts">How many times a runner started it (a runner that died mid-job counts too).</param>
/// <param name="CreatedAt">When it was submitted.</param>
/// <param name="StartedAt">When its latest attempt started.</param>
/// <param name="FinishedAt">When it finished, for a finished job.</param>
/// <param name="Worker">The runner that ran (or runs) its latest attempt: host name and process id.</param>
/// <param name="CancelRequested">Cancellation was asked for while it ran; the runner holding it stops it.</param>
/// <param name="Summary">What a succeeded job found, in a sentence.</param>
/// <param name="Error">Why its latest attempt failed.</param>
/// <param name="LogTail">The end of its latest attempt's log (the whole log is a blob).</param>
public sealed record JobInfo(
    string Id,
    string Kind,
    string? Model,
    string? Version,
    JsonElement? Spec,
    JobStatus Status,
    int Attempts,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    string? Worker,
    bool CancelRequested,
    string? Summary,
    string? Error,
    string? LogTail);
