using Cloud.Functions.Registration;
using Cloud.Functions.Serving.Models;
using Cloud.Functions.Serving.Routing;

namespace Cloud.Functions.Hosting;

/// <summary>Settings of the host (configuration section "Cloud"; environment variables Cloud__Key, command line --Cloud:Key).</summary>
internal sealed record CloudOptions
{
    /// <summary>Where the embedded stores live: models/ (blobs), cloud.db (tables), cache/ (loaded model files).</summary>
    public string DataDirectory { get; init; } = ".cloud";

    /// <summary>An Azure Storage connection string (or UseDevelopmentStorage=true for Azurite); null for the embedded stores.</summary>
    public string? StorageConnectionString { get; init; }

    public string ModelsContainer { get; init; } = "models";

    public string RegistryTable { get; init; } = "ModelRegistry";

    public string JobsTable { get; init; } = "Jobs";

    /// <summary>Model folders (e.g. the repository's samples/models) copied into an empty store at start; null for none.</summary>
    public string? SeedModelsFrom { get; init; }

    /// <summary>When set, the management API requires it (header X-Cloud-Admin-Key or a Bearer token). Without it the API answers loopback callers only.</summary>
    public string? AdminKey { get; init; }

    /// <summary>Largest accepted prediction body; larger ones get 413.</summary>
    public long MaxRequestBodyBytes { get; init; } = 10 * 1024 * 1024;

    /// <summary>Largest file accepted by the management API's folder upload (model files are big; uploads stream to the store).</summary>
    public long MaxUploadBytes { get; init; } = 16L * 1024 * 1024 * 1024;

    /// <summary>How often the store scanner (the local blob trigger) lists the models container.</summary>
    public TimeSpan ScanInterval { get; init; } = TimeSpan.FromSeconds(2);

    public ModelCacheOptions Cache { get; init; } = new();

    public RoutingOptions Routing { get; init; } = new();

    public RegistrationOptions Registration { get; init; } = new();

    /// <summary>Problems with the settings, each naming the setting and its bad value.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (MaxRequestBodyBytes < 1024)
        {
            problems.Add($"Cloud:MaxRequestBodyBytes must be at least 1024; got {MaxRequestBodyBytes}.");
        }

        if (ScanInterval <= TimeSpan.Zero)
        {
            problems.Add($"Cloud:ScanInterval must be positive; got {ScanInterval}.");
        }

        if (Routing.RefreshInterval <= TimeSpan.Zero)
        {
            problems.Add($"Cloud:Routing:RefreshInterval must be positive; got {Routing.RefreshInterval}.");
        }

        if (Cache.MaxLoadedVersions < 1 || Cache.MemoryBudgetBytes < 1)
        {
            problems.Add($"Cloud:Cache:MaxLoadedVersions and MemoryBudgetBytes must be positive; got {Cache.MaxLoadedVersions} and {Cache.MemoryBudgetBytes}.");
        }

        if (Serving.Models.ExecutionProviders.Problem(Cache.ExecutionProvider) is { } provider)
        {
            problems.Add(provider);
        }

        if (Cache.CudaDeviceId < 0 || Cache.IntraOpThreads < 0)
        {
            problems.Add($"Cloud:Cache:CudaDeviceId and IntraOpThreads must be 0 or more; got {Cache.CudaDeviceId} and {Cache.IntraOpThreads}.");
        }

        problems.AddRange(Cache.Batching.Validate().Select(p => "Cloud:Cache:Batching: " + p));
        return problems;
    }
}
