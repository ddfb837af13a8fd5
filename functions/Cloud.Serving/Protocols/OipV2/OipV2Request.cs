namespace Cloud.Serving.Protocols.OipV2;

/// <summary>A decoded <c>/infer</c> body.</summary>
/// <param name="Request">Every model input, checked against the signature, and the outputs asked for (null: all).</param>
/// <param name="Id">The request's <c>id</c>, echoed in the response; null when it had none.</param>
internal sealed record OipV2Request(InferenceRequest Request, string? Id);
