namespace Cloud.Serving.Tensors;

/// <summary>A Run input or output: the graph's name for it and its tensor.</summary>
/// <param name="Name">The input or output name as declared in the model.</param>
/// <param name="Value">The tensor.</param>
internal readonly record struct NamedTensor(string Name, Tensor Value);
