using Cloud.Registry.History;
using Cloud.Registry.Promotion;
using Cloud.Registry.Registered;
using Cloud.Registry.Registration;
using Cloud.Registry.Settings;
using Cloud.Registry.Stores;
using Cloud.Registry.Traffic;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Cloud.Registry;

/// <summary>The registry room as every host composes it: settings, stores, the registry and the registration workflow.</summary>
internal static class RegistryServiceCollectionExtensions
{
    public static IServiceCollection AddCloudRegistry(this IServiceCollection services)
    {
        services.AddSettings<StorageOptions>("Storage");
        services.AddSettings<RegistrationOptions>("Registration",
            sp => new RegistrationOptions { WorkDirectory = Path.Combine(sp.GetRequiredService<StorageOptions>().FullDataDirectory, "work") });
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp => CloudStores.Open(sp.GetRequiredService<StorageOptions>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => sp.GetRequiredService<CloudStores>().Models);
        services.AddSingleton(sp => new RegisteredContent(sp.GetRequiredService<CloudStores>().Registered));
        services.AddSingleton(sp => new WorkFolder(sp.GetRequiredService<RegistrationOptions>().WorkDirectory ?? Path.Combine(Path.GetTempPath(), "cloud-work")));
        services.AddHostedService<StoreInitializer>();
        services.AddHostedService<LeftoverCleanup>();
        services.AddSingleton(sp => new ModelRegistry(sp.GetRequiredService<CloudStores>().Registry, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new VersionAllocator(sp.GetRequiredService<CloudStores>().Registry, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<ModelRegistration>();
        services.AddSingleton<RegistrationWorkflow>();
        services.AddSingleton<UnrecordedFolderSweep>();
        // Histories and traffic statistics are blobs beside the job logs: rows stay small, any process reads them.
        services.AddSingleton(sp => new VersionHistory(sp.GetRequiredService<CloudStores>().JobFiles));
        services.AddSingleton(sp => new VersionTrafficStore(sp.GetRequiredService<CloudStores>().JobFiles));
        services.AddSingleton<RegisteredManifests>();
        services.AddSingleton<VersionPromoter>();
        return services;
    }
}
