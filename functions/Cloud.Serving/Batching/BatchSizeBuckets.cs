using System.Numerics;

namespace Cloud.Serving.Batching;

/// <summary>
/// Histogram buckets of batch sizes: 1, 2, 3-4, 5-8, ... doubling, the last ending at the maximum batch size.
/// Powers of two keep the histogram short for any maximum while still telling "mostly alone" from "mostly full".
/// </summary>
internal static class BatchSizeBuckets
{
    /// <summary>The bucket of a batch of <paramref name="rows"/> rows (1 ≤ rows ≤ the maximum).</summary>
    public static int IndexOf(int rows) => rows <= 1 ? 0 : BitOperations.Log2((uint)(rows - 1)) + 1;

    /// <summary>How many buckets a maximum batch size needs.</summary>
    public static int CountFor(int maxBatchSize) => IndexOf(maxBatchSize) + 1;

    /// <summary>The smallest and largest rows of bucket <paramref name="index"/>.</summary>
    public static (int MinRows, int MaxRows) Bounds(int index, int maxBatchSize) => index == 0
        ? (1, 1)
        : ((1 << (index - 1)) + 1, Math.Min(1 << index, maxBatchSize));
}
