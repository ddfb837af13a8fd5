using Cloud.Sdk.Manifests;

namespace Cloud.Registry;

/// <summary>The rules of a traffic split: valid label names, weights 0–100 that sum to exactly 100.</summary>
internal static class TrafficSplit
{
    /// <summary>Null when the split is valid (an empty split is: it means "stable, else newest"); otherwise what is wrong.</summary>
    public static string? Check(IReadOnlyDictionary<string, int> weights)
    {
        if (weights.Count == 0)
        {
            return null;
        }

        foreach (var (label, weight) in weights)
        {
            if (LabelName.Validate(label) is { } problem)
            {
                return $"The traffic split names an invalid label. {problem}";
            }

            if (weight is < 0 or > 100)
            {
                return $"Label '{label}' has weight {weight}; weights are 0 to 100.";
            }
        }

        var total = weights.Values.Sum();
        return total == 100 ? null : $"Traffic weights must sum to 100; these sum to {total}.";
    }
}
