namespace Cloud.Sdk.Manifests;

/// <summary>What happens to a version automatically (manifest field <c>promotion</c>).</summary>
public sealed record PromotionPolicy
{
    /// <summary>What to do once the version has passed validation (<c>onValidated</c>).</summary>
    public PromotionAction? OnValidated { get; init; }

    /// <summary>What to do once the version has served through its soak window no worse than the compared version (<c>afterSoak</c>).</summary>
    public SoakPromotion? AfterSoak { get; init; }
}
