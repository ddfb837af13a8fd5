using Cloud.Sdk.Manifests;
using Cloud.Sdk.Registry;

namespace Cloud.Jobs.Evaluation;

/// <summary>What the runner asks <see cref="ModelValidator"/> to validate.</summary>
/// <param name="Candidate">The registered version (its row: model file name and SHA-256).</param>
/// <param name="Baseline">The version under the baseline label, resolved by the runner; null when none holds it yet.</param>
/// <param name="Dataset">A dataset the job names, as a path in the model store; null for the manifest's (inside the candidate's folder).</param>
/// <param name="Spec">A validation spec the job gives; null for the candidate manifest's validation section.</param>
internal sealed record ValidationRequest(ModelVersionInfo Candidate, ModelVersionInfo? Baseline = null, string? Dataset = null, ValidationSpec? Spec = null);
