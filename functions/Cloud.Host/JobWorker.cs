using Cloud.Jobs;
using Cloud.Jobs.Runner;
using Cloud.Registry;
using Cloud.Registry.Telemetry;

namespace Cloud.Host;

/// <summary>
/// `Cloud.Host worker [--until-empty]`: the job runner alone, without HTTP — the container a GPU pool runs against the
/// Service Bus queue (or, on one machine, a second process on the embedded queue). With --until-empty it exits once
/// the queue is drained, as an event-triggered Container Apps job expects.
/// </summary>
internal static class JobWorker
{
    public const string Verb = "worker";
    public const string UntilEmpty = "--until-empty";

    public static IHost Build(string[] args)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = args.Where(a => a != UntilEmpty).ToArray(),
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Services.AddSingleton(new JobRunnerMode(Worker: true, UntilEmpty: args.Contains(UntilEmpty)));
        builder.Services.AddCloudRegistry();
        builder.Services.AddCloudJobs();
        // No HTTP surface to scrape: a worker's metrics and spans go out by OTLP or to Azure Monitor when configured (docs/telemetry.md).
        builder.Services.AddCloudTelemetry(builder.Configuration, "cloud-worker");
        return builder.Build();
    }
}
