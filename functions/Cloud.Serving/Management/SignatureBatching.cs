using Cloud.Sdk.Registry;

namespace Cloud.Serving.Management;

/// <summary>
/// Whether a registered version's requests can be batches of rows, from the signature registration recorded: the
/// same rule serving applies to a loaded version (<see cref="Protocols.ServedSignature.Batchable"/>), on the
/// record's shapes, where -1 is a free dimension.
/// </summary>
internal static class SignatureBatching
{
    public static bool IsBatchable(ModelSignature signature) =>
        signature.Inputs.Count > 0 && signature.Inputs.Concat(signature.Outputs).All(t => t.Shape.Count > 0 && t.Shape[0] < 0);
}
