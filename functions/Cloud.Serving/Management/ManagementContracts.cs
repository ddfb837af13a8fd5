using System.Text.Json.Serialization;
using Cloud.Sdk.Registry;

namespace Cloud.Serving.Management;

/// <summary>PUT /api/models/{model}/labels/{label}: the version, and optionally the label's ETag as read.</summary>
internal sealed record SetLabelRequest(string? Version, string? ETag);

/// <summary>PUT /api/models/{model}/policy: the traffic split and validation requirement, optionally with the policy's ETag.</summary>
internal sealed record SetPolicyRequest(Dictionary<string, int>? Traffic, bool? RequireValidation, string? ETag);

/// <summary>POST /api/models/{model}/versions/{version}/promote: the labels and split to apply; none: the manifest's afterSoak step.</summary>
internal sealed record PromoteRequest(IReadOnlyList<string>? SetLabels, Dictionary<string, int>? Traffic);

/// <summary>POST /api/models/{model}/versions/{version}/retire: why.</summary>
internal sealed record RetireRequest(string? Reason);

/// <summary>A model's summary in GET /api/models.</summary>
internal sealed record ModelSummary(string Name, IReadOnlyList<VersionSummary> Versions, IReadOnlyDictionary<string, string> Labels, ModelPolicy Policy);

/// <summary>A version's summary in listings.</summary>
internal sealed record VersionSummary(string Version, string Status, string? FailureReason, IReadOnlyList<MetricsRecord> Metrics, DateTimeOffset CreatedAt);

/// <summary>GET /api/models/{model}: everything about one model, including what serving does with it now.</summary>
internal sealed record ModelDetail(
    string Name,
    IReadOnlyList<ModelVersionInfo> Versions,
    IReadOnlyList<ModelLabel> Labels,
    ModelPolicy Policy,
    RoutingView? Routing);

/// <summary>What routing serves now (effective targets: loaded versions).</summary>
internal sealed record RoutingView(IReadOnlyDictionary<string, string> Labels, IReadOnlyDictionary<string, int> Traffic, string? Newest);

/// <summary>
/// PUT of a file into a model folder: what registration concluded when the file was model.json. When the answer is
/// not 2xx (409 refused, 422 failed), <see cref="Error"/> repeats the message, so the body is also the error shape.
/// </summary>
internal sealed record UploadResult(string Path, long Size, string? Registration, string? Message)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Error { get; init; }
}
