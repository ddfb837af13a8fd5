namespace Cloud.Registry.Promotion;

/// <summary>What set a promotion off, as its history entry names it.</summary>
internal static class PromotionTriggers
{
    /// <summary>The manifest's <c>promotion.onValidated</c>, applied by the validate job.</summary>
    public const string OnValidated = "onValidated";

    /// <summary>The manifest's <c>promotion.afterSoak</c>, applied by the promote job after the soak window.</summary>
    public const string AfterSoak = "afterSoak";

    /// <summary><c>POST /api/models/{m}/versions/{v}/promote</c>.</summary>
    public const string Explicit = "explicit";
}
