using Cloud.Jobs;
using Cloud.Registry;
using Cloud.Serving;
using Cloud.Serving.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration.Memory;

namespace Cloud.Functions;

/// <summary>
/// The rooms as the Functions app composes them: the same registry, jobs and serving services as the local host, with
/// defaults for an instance of a Flex Consumption plan — stores in Azure (settings name them), jobs handed to the
/// Service Bus queue a worker pool consumes, and a model cache sized from the instance's memory.
/// </summary>
internal static class FunctionsComposition
{
    /// <summary>Share of the instance's memory the loaded sessions may take; the rest is the worker, requests and runs.</summary>
    public const double CacheShareOfMemory = 0.5;

    /// <summary>Share of the instance's memory one process's session runs may allocate together.</summary>
    public const double RunShareOfMemory = 0.25;

    public static void Configure(IConfigurationManager configuration, IServiceCollection services)
    {
        // Defaults go first so app settings (environment variables) and the command line override every one.
        configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = Defaults(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes) });

        services.AddHostedService<FunctionsSettingsCheck>(); // first: nothing else starts on settings it refuses
        services.AddCloudRegistry();
        services.AddCloudJobs();
        services.AddCloudServing();
        FunctionsTelemetry.Add(configuration, services);
        services.AddRouting();
        services.AddSingleton<ServingDispatch>();
        services.AddOptions<KestrelServerOptions>().Configure<ServingOptions>((kestrel, serving) =>
        {
            // The worker's own Kestrel defaults to 30,000,000 bytes, below the host's 100 MB: ours decides (413 in our shape).
            kestrel.Limits.MaxRequestBodySize = serving.MaxRequestBodyBytes + 1;
            kestrel.AddServerHeader = false;
        });
    }

    /// <summary>
    /// Settings an instance starts with unless its app settings say otherwise. <paramref name="instanceMemory"/> is the
    /// memory the runtime sees: the container's limit, which is the plan's instanceMemoryMB on Flex Consumption.
    /// </summary>
    public static Dictionary<string, string?> Defaults(long instanceMemory) => new()
    {
        // Validation, training and tuning run on the job workers (Cloud.Host worker), never on a serving instance.
        ["Cloud:Jobs:RunJobs"] = "false",
        ["Cloud:Jobs:Backend"] = "servicebus",
        ["Cloud:Cache:MemoryBudgetBytes"] = ((long)(instanceMemory * CacheShareOfMemory)).ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Cloud:Cache:RunMemoryLimitBytes"] = Math.Min((long)(instanceMemory * RunShareOfMemory), uint.MaxValue).ToString(System.Globalization.CultureInfo.InvariantCulture),
        // Only a small model is inspected inside the app; a larger one in a child process of the app's own executable.
        ["Cloud:Registration:InProcessInspectionLimit"] = (8L * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture),
        // An instance's disk is its own and short-lived.
        ["Cloud:Storage:DataDirectory"] = Path.Combine(Path.GetTempPath(), "cloud"),
    };
}
