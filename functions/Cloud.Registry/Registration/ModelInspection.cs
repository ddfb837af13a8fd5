using Cloud.Sdk.Registry;

namespace Cloud.Registry.Registration;

/// <summary>What loading a model file with ONNX Runtime found: its inputs and outputs, or why it cannot load.</summary>
/// <param name="Inputs">Graph inputs (null when it failed).</param>
/// <param name="Outputs">Graph outputs (null when it failed).</param>
/// <param name="Problem">Why ORT could not load it, in a sentence (null when it loaded).</param>
internal sealed record ModelInspection(IReadOnlyList<TensorSignature>? Inputs, IReadOnlyList<TensorSignature>? Outputs, string? Problem)
{
    public static ModelInspection Failed(string problem) => new(null, null, problem);
}
