namespace Cloud.Host.Tests.Conformance;

/// <summary>How one backend case ended when pushed through the HTTP host and called through one protocol.</summary>
internal enum ServingOutcome
{
    /// <summary>Registered, answered 200, and every output matched the case's expected output.</summary>
    Passed,

    /// <summary>A refused registration or request (with its status and body), or an output that differs.</summary>
    Failed,

    /// <summary>
    /// The case needs a value the JSON protocols cannot carry: a sequence, map or optional, bfloat16, complex (the
    /// binding-level suite's "unsupported by serving", for the same reason); or, for TF Serving REST, a shape its
    /// nested lists cannot say (<see cref="TfCaseRequest.WhyNotRepresentable"/>).
    /// </summary>
    NotRepresentable,

    /// <summary>ONNX Runtime refuses the model or has no kernel for it: the binding-level suite's own list.</summary>
    UnsupportedByOrt,
}
