namespace Cloud.Sdk.Manifests;

/// <summary>What happens to a version automatically (manifest field <c>promotion</c>).</summary>
public sealed record PromotionPolicy
{
    /// <summary>What to do once the version has passed validation (<c>onValidated</c>).</summary>
    public PromotionAction? OnValidated { get; init; }
}
