using System.Text.Json;

namespace Cloud.Sdk.Jobs;

/// <summary>A job to submit (POST /api/jobs).</summary>
/// <param name="Kind">What the job does (<see cref="JobKinds"/>).</param>
/// <param name="Model">The model it works on (required by <see cref="JobKinds.Validate"/>).</param>
/// <param name="Version">The model version it works on (required by <see cref="JobKinds.Validate"/>).</param>
/// <param name="Spec">Kind-specific settings.</param>
/// <param name="Id">
/// An id of the caller's choosing (<see cref="JobIds.IsValid"/>), so a submission retried after a lost answer finds the
/// first one instead of starting a second job; one is made up when null.
/// </param>
public sealed record JobRequest(string? Kind, string? Model, string? Version, JsonElement? Spec, string? Id = null);
