using Cloud.Registry.Settings;

namespace Cloud.Serving.Routing;

/// <summary>Settings of routing (section "Cloud:Routing").</summary>
internal sealed record RoutingOptions : ISettings
{
    /// <summary>
    /// How often the registry is read again: label and traffic changes made directly in storage reach serving
    /// within this delay plus the new target's load time. Changes through the management API apply at once.
    /// </summary>
    public TimeSpan RefreshInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The request header whose value keeps a caller on the same side of a traffic split.</summary>
    public string RoutingKeyHeader { get; init; } = "X-Cloud-Routing-Key";

    /// <summary>
    /// Whether routed versions (labels, the traffic split, the newest when it routes) are loaded before they take
    /// traffic — at start and on every move. Off: a version loads on its first request, and moves apply at once.
    /// </summary>
    public bool PreloadTargets { get; init; } = true;

    public IEnumerable<string> Validate(string section) =>
        SettingsServiceCollectionExtensions.Positive(section, nameof(RefreshInterval), RefreshInterval)
            .Concat(string.IsNullOrWhiteSpace(RoutingKeyHeader) ? [$"{section}:{nameof(RoutingKeyHeader)} must name a header."] : []);
}
