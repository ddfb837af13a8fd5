using Cloud.Serving.Tensors;

namespace Cloud.Serving;

/// <summary>
/// One client request, decoded and checked against the model's signature: every model input. When the request is a
/// batch of rows (the model can batch, and every input's dimension 0 is <see cref="Rows"/>), the micro-batcher
/// merges it with other requests of the same version along dimension 0 and splits the outputs back, so rows of
/// different requests never mix. Any other request (broadcasting inputs, scalars, an empty tensor, a model without
/// inputs or one that cannot batch) has no rows: it runs as one call with exactly the shapes it brings.
/// </summary>
/// <param name="Rows">The batch dimension shared by every input (1 or more); null when the request is not rows.</param>
/// <param name="Inputs">Every model input, in any order.</param>
/// <param name="OutputNames">The outputs wanted, in order; null for all in declaration order.</param>
internal sealed record InferenceRequest(int? Rows, IReadOnlyList<NamedTensor> Inputs, IReadOnlyList<string>? OutputNames = null)
{
    /// <summary>Whether the micro-batcher may stack it with other requests along dimension 0.</summary>
    public bool Stackable => Rows is not null;
}

/// <summary>The outputs for one request: for a request of rows, each tensor's dimension 0 is its row count.</summary>
/// <param name="Outputs">The requested outputs, in order.</param>
internal sealed record InferenceResponse(IReadOnlyList<NamedTensor> Outputs);
