namespace Cloud.Sdk.Prediction;

/// <summary>
/// Which version of a model answers: an explicit version, a label, or (<see cref="Routed"/>) whatever the model's
/// routing picks — its traffic split, then label <c>stable</c>, then the newest servable version.
/// </summary>
public sealed record ModelTarget
{
    private ModelTarget(string? version, string? label, string? routingKey)
    {
        Version = version;
        Label = label;
        RoutingKey = routingKey;
    }

    /// <summary>The model's routing decides.</summary>
    public static ModelTarget Routed { get; } = new(null, null, null);

    /// <summary>The explicit version, or null.</summary>
    public string? Version { get; }

    /// <summary>The label, or null.</summary>
    public string? Label { get; }

    /// <summary>The routing key that keeps a caller on one side of a traffic split, or null for a random side.</summary>
    public string? RoutingKey { get; }

    /// <summary>Exactly this version.</summary>
    /// <param name="version">A semantic version, such as 1.2.0.</param>
    /// <returns>The target.</returns>
    public static ModelTarget ForVersion(string version)
    {
        ArgumentException.ThrowIfNullOrEmpty(version);
        return new(version, null, null);
    }

    /// <summary>The version a label points at.</summary>
    /// <param name="label">The label, such as stable.</param>
    /// <returns>The target.</returns>
    public static ModelTarget ForLabel(string label)
    {
        ArgumentException.ThrowIfNullOrEmpty(label);
        return new(null, label, null);
    }

    /// <summary>The traffic split's pick, the same side every time for the same key (a user id, say).</summary>
    /// <param name="routingKey">The key.</param>
    /// <returns>The target.</returns>
    public static ModelTarget ForRoutingKey(string routingKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(routingKey);
        return new(null, null, routingKey);
    }

    internal string TfServingPath(string model) =>
        Version is not null ? $"v1/models/{Escape(model)}/versions/{Escape(Version)}:predict"
        : Label is not null ? $"v1/models/{Escape(model)}/labels/{Escape(Label)}:predict"
        : $"v1/models/{Escape(model)}:predict";

    internal string OipPath(string model, string what) =>
        Version is not null ? $"v2/models/{Escape(model)}/versions/{Escape(Version)}/{what}" : $"v2/models/{Escape(model)}/{what}";

    internal static string Escape(string segment) => Uri.EscapeDataString(segment);
}
