using Cloud.Registry.Registration;
using Cloud.Registry.Stores;

namespace Cloud.Jobs;

/// <summary>The jobs room as every host composes it (after <c>AddCloudRegistry</c>).</summary>
internal static class JobsServiceCollectionExtensions
{
    public static IServiceCollection AddCloudJobs(this IServiceCollection services)
    {
        services.AddSingleton(sp => new JobQueue(sp.GetRequiredService<CloudStores>().Jobs, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<JobQueue>>()));
        services.AddSingleton<IRegistrationFollowUp, ValidationScheduling>();
        return services;
    }
}
