using System.Text.Json;

namespace Cloud.Sdk.Jobs;

/// <summary>
/// A message on the jobs queue. Small on purpose: the job row holds the rest. The id is deterministic for jobs
/// the system emits (e.g. validate-{model}-{version}-{sha256 prefix}), so a redelivered trigger cannot start a
/// second job for the same work.
/// </summary>
/// <param name="Id">The job id (<see cref="JobIds"/>).</param>
/// <param name="Kind">What the job does (<see cref="JobKinds"/>).</param>
/// <param name="Model">The model it works on; null for kinds that take none.</param>
/// <param name="Version">The model version it works on; null for kinds that take none.</param>
/// <param name="Spec">Kind-specific settings, if any.</param>
/// <param name="Attempt">
/// 1 for the first message of a job; a retry after a failure is a new message with the next attempt, so the queue's
/// duplicate detection (by id and attempt) keeps a redelivered message from running twice but lets a retry through.
/// </param>
public sealed record JobMessage(string Id, string Kind, string? Model, string? Version, JsonElement? Spec, int Attempt)
{
    /// <summary>
    /// The W3C traceparent of the span that submitted the job (00-{trace id}-{span id}-{flags}), when it had one: the
    /// span of each run links to it, so a trace follows the job across the queue and into another process.
    /// </summary>
    public string? TraceParent { get; init; }
}
