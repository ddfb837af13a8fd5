namespace Cloud.Serving.Protocols.TfServing;

/// <summary>A decoded <c>:predict</c> body: the request to run and the format to answer in.</summary>
/// <param name="Request">Every model input, checked against the signature.</param>
/// <param name="Format">Row (instances → predictions) or columnar (inputs → outputs).</param>
internal sealed record TfServingRequest(InferenceRequest Request, TfServingFormat Format);
