using Cloud.Serving.Batching;
using Cloud.Serving.Models;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cloud.Serving.Tests.Models;

/// <summary>A model cache over a registry harness's stores, with its own local file cache.</summary>
internal static class TestCaches
{
    public static ModelCache For(RegistryHarness h, int maxLoaded, long memoryBudget = 4L << 30) => new(h.Content, h.Registry,
        new ModelCacheOptions
        {
            Directory = Path.Combine(Path.GetTempPath(), "cloud-cache-" + Guid.NewGuid().ToString("N")),
            MaxLoadedVersions = maxLoaded,
            MemoryBudgetBytes = memoryBudget,
        },
        new BatchingOptions(),
        h.Time, NullLoggerFactory.Instance);
}
