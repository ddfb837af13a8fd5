namespace Cloud.Host.Tests.Conformance;

/// <summary>One protocol the serving suite calls each case through, with its own ratchet file.</summary>
/// <param name="Name">As the report names it.</param>
/// <param name="Call">The endpoint and body form, for the report.</param>
/// <param name="PassingFile">The expected-to-pass list, in this folder and (as this run would write it) in TestResults.</param>
/// <param name="Of">The protocol's outcome in a case's result.</param>
internal sealed record ConformanceProtocol(string Name, string Call, string PassingFile, Func<ServingCaseResult, ProtocolOutcome> Of)
{
    public static ConformanceProtocol OipV2 { get; } = new("OIP v2", "POST /v2/models/{m}/infer", "serving-passing.txt", r => r.Oip);

    public static ConformanceProtocol TfRest { get; } = new("TF Serving REST", "POST /v1/models/{m}:predict, columnar", "tf-passing.txt", r => r.Tf);

    public static ConformanceProtocol OipV2Binary { get; } = new("OIP v2 binary", "POST /v2/models/{m}/infer, binary tensor data", "binary-passing.txt", r => r.Binary);

    public static ConformanceProtocol Grpc { get; } = new("gRPC", "ModelInfer, raw_input_contents", "grpc-passing.txt", r => r.Grpc);

    public static IReadOnlyList<ConformanceProtocol> All { get; } = [OipV2, TfRest, OipV2Binary, Grpc];
}
