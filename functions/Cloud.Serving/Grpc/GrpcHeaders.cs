namespace Cloud.Serving.Grpc;

/// <summary>
/// The serving headers (<see cref="Http.ServingHeaders"/>) as gRPC response metadata: the same names, lower-case as
/// HTTP/2 requires.
/// </summary>
internal static class GrpcHeaders
{
    public const string Model = "x-cloud-model";
    public const string Version = "x-cloud-model-version";
    public const string Route = "x-cloud-route";
}
