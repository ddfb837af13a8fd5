using Cloud.Sdk.Registry;

namespace Cloud.Sdk.Models;

/// <summary>A model as <c>GET /api/models</c> lists it.</summary>
/// <param name="Name">The model's name.</param>
/// <param name="Versions">Its versions, oldest first.</param>
/// <param name="Labels">Label → version.</param>
/// <param name="Policy">Its traffic split and validation requirement.</param>
public sealed record ModelSummary(string Name, IReadOnlyList<ModelVersionSummary> Versions, IReadOnlyDictionary<string, string> Labels, ModelPolicy Policy);

/// <summary>A version as the model list shows it.</summary>
/// <param name="Version">The version.</param>
/// <param name="Status">Its status.</param>
/// <param name="FailureReason">Why it failed, when it did.</param>
/// <param name="Metrics">The latest validation's metrics.</param>
/// <param name="CreatedAt">When it was registered.</param>
public sealed record ModelVersionSummary(string Version, ModelVersionStatus Status, string? FailureReason, IReadOnlyList<MetricsRecord> Metrics, DateTimeOffset CreatedAt);

/// <summary>One model in full, as <c>GET /api/models/{model}</c> answers.</summary>
/// <param name="Name">The model's name.</param>
/// <param name="Versions">Full version records.</param>
/// <param name="Labels">Its labels, each with its ETag.</param>
/// <param name="Policy">Its traffic split and validation requirement, with the policy's ETag.</param>
/// <param name="Routing">What routing serves now (null before the first routing pass).</param>
public sealed record ModelDetails(string Name, IReadOnlyList<ModelVersionInfo> Versions, IReadOnlyList<ModelLabel> Labels, ModelPolicy Policy, ModelRouting? Routing);

/// <summary>What routing serves now.</summary>
/// <param name="Labels">Label → the version it serves.</param>
/// <param name="Traffic">The traffic split in force (label → weight).</param>
/// <param name="Newest">The newest servable version.</param>
public sealed record ModelRouting(IReadOnlyDictionary<string, string> Labels, IReadOnlyDictionary<string, int> Traffic, string? Newest);
