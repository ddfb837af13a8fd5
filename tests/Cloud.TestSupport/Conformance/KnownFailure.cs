using Cloud.Serving.Models;
using Cloud.Serving.Tensors;
using Microsoft.ML.OnnxRuntime;

namespace Cloud.TestSupport.Conformance;

/// <summary>One entry of <see cref="KnownFailures"/>.</summary>
/// <param name="Reason">Why the case fails, as found when it was investigated.</param>
/// <param name="MayPassByChance">
/// The output is random without a seed, so a run may match the expected data by luck (about (2/3)^10, 2%, for a
/// 10-element Bernoulli of uniform probabilities). Such an entry must still run and not become unsupported, but it
/// is not required to fail, or the suite itself would be flaky.
/// </param>
internal sealed record KnownFailure(string Reason, bool MayPassByChance = false);
