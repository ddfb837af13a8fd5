using Cloud.Serving.Models;
using Cloud.Serving.Tensors;
using Microsoft.ML.OnnxRuntime;

namespace Cloud.TestSupport.Conformance;

/// <summary>The outcome of one case, with why when it did not pass (ORT's message where ORT said no).</summary>
internal sealed record CaseResult(BackendTestCase Case, CaseOutcome Outcome, string Reason, TimeSpan Elapsed);
