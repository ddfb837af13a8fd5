namespace Cloud.Host.Tests.Conformance;

/// <summary>How one backend case ended through one protocol.</summary>
/// <param name="Outcome">Passed, failed, not representable in the protocol's JSON, or unsupported by ORT.</param>
/// <param name="Reason">Why it did not pass: the HTTP status and error body, the output difference, or what the JSON cannot carry.</param>
internal readonly record struct ProtocolOutcome(ServingOutcome Outcome, string Reason)
{
    public static ProtocolOutcome Passed { get; } = new(ServingOutcome.Passed, string.Empty);

    public static ProtocolOutcome Failed(string reason) => new(ServingOutcome.Failed, reason);
}
