namespace Cloud.Registry.Telemetry;

/// <summary>
/// Attribute names of every room's metrics and spans. OpenTelemetry's semantic conventions name HTTP status and error
/// types, so those are theirs; they have none for a served model or a job, so those are ours (docs/telemetry.md), kept
/// out of the conventions' reserved <c>cloud.*</c> namespace, which describes the cloud a process runs in.
/// </summary>
internal static class TelemetryTags
{
    public const string ModelName = "model.name";
    public const string ModelVersion = "model.version";

    /// <summary>How routing chose the version: version, label:{name}, traffic:{label}, stable, newest.</summary>
    public const string Route = "model.route";

    /// <summary>The semantic conventions' RPC system ("grpc"), on predictions that came through gRPC; absent on HTTP's.</summary>
    public const string RpcSystem = "rpc.system";

    /// <summary>The semantic conventions' HTTP status attribute.</summary>
    public const string HttpStatusCode = "http.response.status_code";

    /// <summary>The semantic conventions' error class: an exception's type, or a status such as "queue_full".</summary>
    public const string ErrorType = "error.type";

    public const string RegistrationStatus = "registration.status";
    public const string LoadOutcome = "model.load.outcome";
    public const string JobKind = "job.kind";
    public const string JobId = "job.id";
    public const string JobStatus = "job.status";
}
