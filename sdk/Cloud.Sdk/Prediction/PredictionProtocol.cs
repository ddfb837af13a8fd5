namespace Cloud.Sdk.Prediction;

/// <summary>The predict route a <see cref="PredictionClient"/> calls for row-shaped requests (<c>{"instances": [...]}</c>).</summary>
public enum PredictionProtocol
{
    /// <summary>TensorFlow Serving REST: <c>POST {endpoint}/v1/models/{model}[/versions/{v}|/labels/{l}]:predict</c>.</summary>
    TfServing,

    /// <summary>
    /// Vertex AI: <c>POST {endpoint}:predict</c>, where the endpoint is the Vertex endpoint resource, such as
    /// <c>https://europe-west4-aiplatform.googleapis.com/v1/projects/p/locations/europe-west4/endpoints/123</c>; the model
    /// argument is not part of the route (Vertex's traffic split picks the deployed model). Authenticate with
    /// <see cref="CloudCredential.Google"/>.
    /// </summary>
    Vertex,
}
