using Cloud.TestSupport.Conformance;

namespace Cloud.Host.Tests.Conformance;

/// <summary>One case through HTTP, beside the same case at the binding level.</summary>
/// <param name="Binding">The binding-level result (SessionRunner and ORT, no HTTP).</param>
/// <param name="Outcome">The end-to-end outcome.</param>
/// <param name="Reason">Why it did not pass: the HTTP status and error body, or the output difference.</param>
/// <param name="ServerErrors">Every 5xx the host answered for this case (upload, registration or inference), as "METHOD path: status body".</param>
internal sealed record ServingCaseResult(CaseResult Binding, ServingOutcome Outcome, string Reason, IReadOnlyList<string> ServerErrors, TimeSpan Elapsed)
{
    public BackendTestCase Case => Binding.Case;
}
