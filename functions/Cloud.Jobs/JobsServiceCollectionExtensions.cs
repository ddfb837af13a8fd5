using Azure.Identity;
using Azure.Messaging.ServiceBus;
using Cloud.Jobs.Evaluation;
using Cloud.Jobs.Handlers;
using Cloud.Jobs.Ledger;
using Cloud.Jobs.Promotion;
using Cloud.Jobs.Queue;
using Cloud.Jobs.Queue.ServiceBus;
using Cloud.Jobs.Queue.Sqlite;
using Cloud.Jobs.Runner;
using Cloud.Jobs.Telemetry;
using Cloud.Jobs.Training;
using Cloud.Jobs.Validation;
using Cloud.Registry;
using Cloud.Registry.Jobs;
using Cloud.Registry.Registered;
using Cloud.Registry.Registration;
using Cloud.Registry.Settings;
using Cloud.Registry.Stores;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Cloud.Jobs;

/// <summary>The jobs room as every host composes it (after <c>AddCloudRegistry</c>).</summary>
internal static class JobsServiceCollectionExtensions
{
    /// <summary>
    /// The queue, the job rows and files, submission (the management API's and registration's), the handlers, and the
    /// runner as a hosted service (idle where <see cref="JobsOptions.RunJobs"/> is false).
    /// </summary>
    public static IServiceCollection AddCloudJobs(this IServiceCollection services)
    {
        services.AddSettings<JobsOptions>("Jobs");
        services.TryAddSingleton(new JobRunnerMode(Worker: false, UntilEmpty: false));
        // Heard only by the providers a host builds (AddCloudTelemetry); without one these are never read.
        services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddMeter(JobsTelemetry.Name));
        services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddSource(JobsTelemetry.Name));
        services.AddSingleton(sp => new JobLedger(sp.GetRequiredService<CloudStores>().Jobs, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new JobFiles(sp.GetRequiredService<CloudStores>().JobFiles));
        // Inside this process's locked work folder: a run killed with its host leaves files that the next start deletes.
        services.AddSingleton(sp => new JobWorkspace(Path.Combine(sp.GetRequiredService<WorkFolder>().Folder, "jobs")));
        services.AddSingleton(CreateQueue);
        services.AddSingleton<JobSubmitter>();
        services.AddSingleton<IJobManagement, JobManagement>();
        services.AddSingleton<IRegistrationFollowUp, ValidationScheduling>();
        services.AddSingleton(new ValidationOptions());
        services.AddSingleton(sp => new ModelValidator(sp.GetRequiredService<ModelRegistry>(), sp.GetRequiredService<RegisteredContent>(), sp.GetRequiredService<CloudStores>().Models, sp.GetRequiredService<ValidationOptions>(), sp.GetRequiredService<ILogger<ModelValidator>>()));
        services.AddSingleton<IVersionValidator>(sp => new ModelVersionValidator(sp.GetRequiredService<ModelValidator>(), sp.GetRequiredService<ModelRegistry>()));
        services.AddSingleton<IJobHandler, ValidateJobHandler>();
        services.AddSingleton<IJobHandler, ProbeJobHandler>();
        services.AddSingleton<SoakScheduling>();
        services.AddSingleton<IJobHandler, PromoteJobHandler>();
        services.AddSingleton(sp => new TrainingSteps(sp.GetRequiredService<ModelRegistry>(), sp.GetRequiredService<VersionAllocator>(),
            sp.GetRequiredService<CloudStores>().Models, sp.GetRequiredService<RegisteredContent>(), sp.GetRequiredService<JobFiles>(), sp.GetRequiredService<JobsOptions>(),
            sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IJobHandler, TrainJobHandler>();
        services.AddSingleton<IJobHandler>(sp => new TuneJobHandler(sp.GetRequiredService<TrainingSteps>(), sp.GetRequiredService<CloudStores>().JobFiles,
            sp.GetRequiredService<ValidationOptions>(), sp.GetRequiredService<TimeProvider>()));
        services.AddHostedService<JobRunner>();
        return services;
    }

    private static IJobQueue CreateQueue(IServiceProvider services)
    {
        var options = services.GetRequiredService<JobsOptions>();
        var time = services.GetRequiredService<TimeProvider>();
        if (!options.IsServiceBus)
        {
            return new SqliteJobQueue(services.GetRequiredService<StorageOptions>().EmbeddedDatabase, options, time, services.GetRequiredService<ILogger<SqliteJobQueue>>());
        }

        // One client for the host's lifetime (it owns the AMQP connection); the queue disposes its sender and processor.
        var client = string.IsNullOrWhiteSpace(options.ConnectionString)
            ? new ServiceBusClient(options.FullyQualifiedNamespace, new DefaultAzureCredential())
            : new ServiceBusClient(options.ConnectionString);
        return new ServiceBusJobQueue(client, options, time, services.GetRequiredService<ILogger<ServiceBusJobQueue>>(), ownsClient: true);
    }
}
