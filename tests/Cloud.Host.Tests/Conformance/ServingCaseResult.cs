using Cloud.TestSupport.Conformance;

namespace Cloud.Host.Tests.Conformance;

/// <summary>One case through HTTP and gRPC, through every protocol, beside the same case at the binding level.</summary>
/// <param name="Binding">The binding-level result (SessionRunner and ORT, no HTTP).</param>
/// <param name="Oip">The end-to-end outcome through Open Inference Protocol v2.</param>
/// <param name="Tf">The end-to-end outcome through TF Serving REST (columnar).</param>
/// <param name="Binary">The end-to-end outcome through OIP v2 with the binary tensor data extension (every input and output binary).</param>
/// <param name="Grpc">The end-to-end outcome through gRPC ModelInfer (raw contents).</param>
/// <param name="ServerErrors">Every 5xx the host answered for this case (upload, registration or either protocol's call), as "METHOD path: status body".</param>
internal sealed record ServingCaseResult(CaseResult Binding, ProtocolOutcome Oip, ProtocolOutcome Tf, ProtocolOutcome Binary, ProtocolOutcome Grpc, IReadOnlyList<string> ServerErrors, TimeSpan Elapsed)
{
    public BackendTestCase Case => Binding.Case;
}
