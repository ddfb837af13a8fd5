using System.Text;

namespace Cloud.Serving.Routing;

/// <summary>
/// Maps a routing key to a bucket 0–99 with FNV-1a: stable across processes and restarts (unlike
/// string.GetHashCode), so a user keeps the same side of an A/B split on every replica.
/// </summary>
internal static class StickyBucket
{
    public static int Of(string key)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(key))
        {
            hash = (hash ^ b) * 16777619u;
        }

        return (int)(hash % 100);
    }

    /// <summary>The label whose cumulative weight range holds <paramref name="bucket"/> (labels in ordinal order).</summary>
    public static string Pick(IReadOnlyDictionary<string, int> weights, int bucket)
    {
        var cumulative = 0;
        string? last = null;
        foreach (var (label, weight) in weights.OrderBy(w => w.Key, StringComparer.Ordinal))
        {
            cumulative += weight;
            last = weight > 0 ? label : last;
            if (bucket < cumulative)
            {
                return label;
            }
        }

        return last ?? throw new InvalidOperationException("A traffic split with no positive weight.");
    }
}
