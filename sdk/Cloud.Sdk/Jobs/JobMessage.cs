using System.Text.Json;

namespace Cloud.Sdk.Jobs;

/// <summary>
/// A message on the jobs queue. Small on purpose: the job row holds the rest. The id is deterministic for jobs
/// the system emits (e.g. validate-{model}-{version}-{sha256 prefix}), so a redelivered trigger cannot start a
/// second job for the same work.
/// </summary>
/// <param name="Id">The job id.</param>
/// <param name="Kind">"validate", "train" or "tune".</param>
/// <param name="Model">The model name.</param>
/// <param name="Version">The model version.</param>
/// <param name="Spec">Kind-specific settings, if any.</param>
/// <param name="Attempt">1 for the first delivery; incremented on retries.</param>
public sealed record JobMessage(string Id, string Kind, string Model, string Version, JsonElement? Spec, int Attempt);
