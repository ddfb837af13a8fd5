using System.ComponentModel;
using Cloud.Cli.Infrastructure;
using Cloud.Sdk.Jobs;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Cloud.Cli.Commands;

/// <summary>Lists jobs, newest first.</summary>
internal sealed class JobsListCommand(CliEnvironment environment) : ClientCommand<JobsListCommand.Settings>(environment)
{
    internal sealed class Settings : ClientSettings
    {
        [CommandOption("--model <MODEL>")]
        [Description("Only this model's jobs.")]
        public string? Model { get; init; }

        [CommandOption("--status <STATUS>")]
        [Description("Only jobs in this status: queued, running, succeeded, failed, dead-lettered, cancelled.")]
        public string? Status { get; init; }
    }

    protected override async Task<int> RunAsync(Settings settings, CancellationToken cancellationToken)
    {
        JobStatus? status = null;
        if (settings.Status is { } text)
        {
            status = JobStatuses.TryParse(text, out var parsed)
                ? parsed
                : throw new UsageException($"--status '{text}' is not a job status; use queued, running, succeeded, failed, dead-lettered or cancelled.");
        }

        using var client = Clients.Jobs(settings, Environment);
        var jobs = await client.ListAsync(settings.Model, status, cancellationToken);
        if (settings.Json)
        {
            Output.Json(Environment, jobs);
            return ExitCodes.Ok;
        }

        var table = new Table().AddColumns("id", "kind", "model", "version", "status", "created", "summary");
        foreach (var job in jobs)
        {
            table.AddRow(Markup.Escape(job.Id), Markup.Escape(job.Kind), Markup.Escape(job.Model ?? ""), Markup.Escape(job.Version ?? ""),
                job.Status.ToWireName(), job.CreatedAt.ToString("u", System.Globalization.CultureInfo.InvariantCulture), Markup.Escape(job.Summary ?? job.Error ?? ""));
        }

        Environment.Console.Write(table);
        return ExitCodes.Ok;
    }
}
