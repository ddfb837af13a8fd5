using Cloud.Cli.Infrastructure;
using Cloud.Sdk.Jobs;
using Spectre.Console;

namespace Cloud.Cli.Commands;

/// <summary>Cancels a queued job, or asks the runner to stop a running one.</summary>
internal sealed class JobsCancelCommand(CliEnvironment environment) : ClientCommand<JobIdSettings>(environment)
{
    protected override async Task<int> RunAsync(JobIdSettings settings, CancellationToken cancellationToken)
    {
        using var client = Clients.Jobs(settings, Environment);
        var job = await client.CancelAsync(settings.Id, cancellationToken);
        if (settings.Json)
        {
            Output.Json(Environment, job);
        }
        else
        {
            Environment.Console.MarkupLineInterpolated($"Job [bold]{job.Id}[/] is {job.Status.ToWireName()}{(job.CancelRequested && !job.Status.IsFinished() ? " (cancel requested; it stops within a heartbeat)" : "")}.");
        }

        return ExitCodes.Ok;
    }
}
