using Cloud.Serving.Models;
using Cloud.Serving.Tensors;
using Microsoft.ML.OnnxRuntime;

namespace Cloud.TestSupport.Conformance;

/// <summary>How one backend test case ended.</summary>
internal enum CaseOutcome
{
    /// <summary>Every output matched.</summary>
    Passed,

    /// <summary>It ran and an output was wrong, or ORT or the serving code failed where the case is within both.</summary>
    Failed,

    /// <summary>ORT refused the model (any error while loading) or has no kernel for it (NotImplemented on Run).</summary>
    UnsupportedByOrt,

    /// <summary>The case needs a value our tensors cannot hold: a sequence, map or optional, bfloat16, complex, ...</summary>
    UnsupportedByServing,
}
