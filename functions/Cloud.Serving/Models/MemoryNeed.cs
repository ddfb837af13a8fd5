using Cloud.Registry.Onnx;

namespace Cloud.Serving.Models;

/// <summary>
/// What a version needs before it can serve, checked against the cache's limits without allocating it: a model file
/// whose estimated session memory passes the cache budget, or inputs whose fixed dimensions make the smallest
/// possible request larger than a run may use (an 84-byte model with a fixed input [100000, 100000] asks for 40 GB
/// with every request; its warm-up alone once took 5.6 GB on every load attempt).
/// </summary>
internal static class MemoryNeed
{
    /// <summary>Why the file cannot load within the cache's budget, or null when it can.</summary>
    public static string? FileProblem(string model, string version, long fileBytes, ModelCacheOptions options)
    {
        var estimated = (long)(fileBytes * options.MemoryPerModelByte);
        return estimated <= options.MemoryBudgetBytes ? null :
            $"{model} {version} needs an estimated {estimated:N0} bytes of memory ({fileBytes:N0}-byte model file × {options.MemoryPerModelByte} per byte, " +
            $"Cloud:Cache:MemoryPerModelByte), more than the cache's budget of {options.MemoryBudgetBytes:N0} bytes (Cloud:Cache:MemoryBudgetBytes).";
    }

    /// <summary>
    /// Why no request can fit the run memory limit, or null when the smallest one can: the inputs' fixed dimensions
    /// (free ones counted as 1; strings as 1 byte) times their element sizes, summed.
    /// </summary>
    public static string? InputProblem(string model, string version, IReadOnlyList<ModelNode> inputs, long runMemoryLimit)
    {
        if (runMemoryLimit <= 0)
        {
            return null;
        }

        var smallest = 0.0;
        ModelNode? largest = null;
        var largestBytes = 0.0;
        foreach (var input in inputs)
        {
            // In double: fixed dimensions can multiply past long's range, and only the order of magnitude matters here.
            var bytes = input.Dimensions.Aggregate((double)Math.Max(1, TensorElementTypes.SizeOf(input.ElementType)), (a, d) => a * (d < 0 ? 1 : d));
            smallest += bytes;
            if (bytes > largestBytes)
            {
                (largest, largestBytes) = (input, bytes);
            }
        }

        return smallest <= runMemoryLimit ? null :
            $"{model} {version} cannot serve any request: its inputs' fixed dimensions need at least {smallest:N0} bytes per request " +
            $"(input '{largest!.Name}' {TensorElementTypes.Name(largest.ElementType)} {TensorElementTypes.FormatShape([.. largest.Dimensions])}), " +
            $"more than one run may use ({runMemoryLimit:N0} bytes, {RunMemory.Setting}).";
    }
}
