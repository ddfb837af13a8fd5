using Cloud.Cli.Infrastructure;

namespace Cloud.Cli.Commands;

/// <summary>Prints the full log of a job's latest run that ended.</summary>
internal sealed class JobsLogsCommand(CliEnvironment environment) : ClientCommand<JobIdSettings>(environment)
{
    protected override async Task<int> RunAsync(JobIdSettings settings, CancellationToken cancellationToken)
    {
        using var client = Clients.Jobs(settings, Environment);
        var log = await client.GetLogAsync(settings.Id, cancellationToken);
        if (settings.Json)
        {
            Output.Json(Environment, new { id = settings.Id, log });
        }
        else
        {
            Environment.Out.Write(log);
            Environment.Out.Flush();
        }

        return ExitCodes.Ok;
    }
}
