using System.Collections.ObjectModel;

namespace Cloud.Sdk.Manifests;

/// <summary>Label moves and a traffic split applied together when a promotion fires.</summary>
public sealed record PromotionAction
{
    /// <summary>Labels to point at this version (<c>setLabels</c>), e.g. <c>["canary"]</c>.</summary>
    public IReadOnlyList<string> SetLabels { get; init; } = [];

    /// <summary>
    /// The model's new traffic split (<c>traffic</c>): label → percentage of requests that name neither a version nor
    /// a label. Whole numbers adding up to 100. Empty: the split is left as it is.
    /// </summary>
    public IReadOnlyDictionary<string, int> Traffic { get; init; } = ReadOnlyDictionary<string, int>.Empty;
}
