using Cloud.Sdk.Registry;

namespace Cloud.Serving.Routing;

/// <summary>
/// How one model's unaddressed and labelled requests are routed right now: an immutable snapshot swapped in
/// whole. Label and newest targets are the *effective* ones — versions already loaded — so a label move only
/// takes traffic once its target is ready.
/// </summary>
/// <param name="Model">The model.</param>
/// <param name="Versions">Every recorded version and its status.</param>
/// <param name="Labels">Label → the version it serves from.</param>
/// <param name="Traffic">Label → weight (sum 100), or empty.</param>
/// <param name="Newest">The newest servable version, or null when none serves.</param>
/// <param name="RequireValidation">Whether only validated versions serve.</param>
internal sealed record RoutingTable(
    string Model,
    IReadOnlyDictionary<string, ModelVersionStatus> Versions,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyDictionary<string, int> Traffic,
    string? Newest,
    bool RequireValidation)
{
    public bool Serves(ModelVersionStatus status) => status.ServesUnder(RequireValidation);

    /// <summary>
    /// Every version this table can route labelled or unaddressed traffic to: what must be loaded before it takes
    /// traffic. The newest version counts only when unaddressed traffic falls through to it (no split, no stable).
    /// </summary>
    public IEnumerable<string> Targets =>
        (Traffic.Count == 0 && !Labels.ContainsKey("stable") ? Labels.Values.Append(Newest) : Labels.Values)
            .OfType<string>().Distinct(StringComparer.Ordinal);
}
