using Cloud.Serving.Tensors;

namespace Cloud.Serving;

/// <summary>
/// One client request, decoded and checked against the model's signature: every model input, each a tensor
/// whose dimension 0 is <see cref="Rows"/>. Protocol codecs produce it; the micro-batcher merges requests of the
/// same version along dimension 0 and splits the outputs back, so rows of different requests never mix.
/// </summary>
/// <param name="Rows">The batch dimension shared by every input (1 or more).</param>
/// <param name="Inputs">Every model input, in any order.</param>
/// <param name="OutputNames">The outputs wanted, in order; null for all in declaration order.</param>
internal sealed record InferenceRequest(int Rows, IReadOnlyList<NamedTensor> Inputs, IReadOnlyList<string>? OutputNames = null);

/// <summary>The outputs for one request: each tensor's dimension 0 is the request's row count.</summary>
/// <param name="Outputs">The requested outputs, in order.</param>
internal sealed record InferenceResponse(IReadOnlyList<NamedTensor> Outputs);
