namespace Cloud.Sdk.Prediction;

/// <summary>Options of a <see cref="PredictionClient"/>.</summary>
public sealed class PredictionClientOptions : CloudClientOptions
{
    /// <summary>Which predict route <see cref="PredictionClient.PredictAsync"/> and the other row-shaped predict methods call (default TF Serving REST).</summary>
    public PredictionProtocol Protocol { get; set; } = PredictionProtocol.TfServing;

    /// <summary>
    /// Whether <see cref="PredictionClient.InferAsync"/> sends tensors in the Open Inference Protocol's binary tensor
    /// extension, and asks for the outputs in it (<c>binary_data_output</c>), when the server lists
    /// <c>binary_tensor_data</c> among its extensions (default true); JSON otherwise.
    /// </summary>
    public bool UseBinaryTensors { get; set; } = true;

    /// <summary>
    /// The host's gRPC address (plaintext h2c such as <c>http://localhost:8081</c>, or https); when set,
    /// <see cref="PredictionClient.InferAsync"/> calls the Open Inference Protocol's <c>ModelInfer</c> there with raw
    /// tensor contents, over one channel the client keeps for its lifetime. Null (the default): HTTP.
    /// </summary>
    public Uri? GrpcEndpoint { get; set; }

    /// <summary>The header that keeps a caller on one side of a traffic split (<c>Cloud:Routing:RoutingKeyHeader</c>).</summary>
    public string RoutingKeyHeader { get; set; } = "X-Cloud-Routing-Key";
}
