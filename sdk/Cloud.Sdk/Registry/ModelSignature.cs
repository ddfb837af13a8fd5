namespace Cloud.Sdk.Registry;

/// <summary>One input or output of a model: its name, element type and shape (-1 for free dimensions).</summary>
/// <param name="Name">The tensor's name in the graph.</param>
/// <param name="ElementType">float32, int64, string, ...</param>
/// <param name="Shape">Dimensions; -1 where free.</param>
/// <param name="SymbolicShape">The symbolic name of each dimension, or "" where there is none.</param>
public sealed record TensorSignature(string Name, string ElementType, IReadOnlyList<long> Shape, IReadOnlyList<string> SymbolicShape);

/// <summary>What a registered model takes and gives, and what made it.</summary>
/// <param name="Inputs">Graph inputs, in order.</param>
/// <param name="Outputs">Graph outputs, in order.</param>
/// <param name="IrVersion">The ONNX IR version.</param>
/// <param name="Opsets">Operator set version per domain ("" = ai.onnx).</param>
/// <param name="Producer">The producing tool and its version.</param>
public sealed record ModelSignature(
    IReadOnlyList<TensorSignature> Inputs,
    IReadOnlyList<TensorSignature> Outputs,
    long IrVersion,
    IReadOnlyDictionary<string, long> Opsets,
    string Producer);
