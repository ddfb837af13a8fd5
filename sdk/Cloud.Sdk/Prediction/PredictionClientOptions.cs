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

    /// <summary>
    /// Whether <see cref="PredictionClient.InferAsync"/> over gRPC (<see cref="GrpcEndpoint"/> set; ignored otherwise)
    /// sends its calls on one <c>ModelStreamInfer</c> stream that the client keeps and its concurrent calls share,
    /// instead of one <c>ModelInfer</c> call each (default false). Faster for many small requests: the HTTP/2 stream,
    /// headers and trailers are paid once, not per call. What it trades: cancelling a call only stops waiting for it
    /// (once sent, the server still predicts it); <see cref="InferenceResult.Route"/> is null (a stream's answers carry
    /// the model and version, not the route); a message over the server's size limit ends the stream, failing the calls
    /// waiting on it (the next call opens a new one); and calls with a <see cref="ModelTarget.RoutingKey"/> stay unary,
    /// since the key is the stream's metadata, not the request's. Disposing the client half-closes the stream: calls
    /// already sent still get their answers for a few seconds.
    /// </summary>
    public bool GrpcStreaming { get; set; }

    /// <summary>The header that keeps a caller on one side of a traffic split (<c>Cloud:Routing:RoutingKeyHeader</c>).</summary>
    public string RoutingKeyHeader { get; set; } = "X-Cloud-Routing-Key";
}
