using Cloud.TestSupport.Conformance;

namespace Cloud.Host.Tests.Conformance;

/// <summary>One case through HTTP, through both protocols, beside the same case at the binding level.</summary>
/// <param name="Binding">The binding-level result (SessionRunner and ORT, no HTTP).</param>
/// <param name="Oip">The end-to-end outcome through Open Inference Protocol v2.</param>
/// <param name="Tf">The end-to-end outcome through TF Serving REST (columnar).</param>
/// <param name="ServerErrors">Every 5xx the host answered for this case (upload, registration or either protocol's call), as "METHOD path: status body".</param>
internal sealed record ServingCaseResult(CaseResult Binding, ProtocolOutcome Oip, ProtocolOutcome Tf, IReadOnlyList<string> ServerErrors, TimeSpan Elapsed)
{
    public BackendTestCase Case => Binding.Case;
}
