using System.ComponentModel;
using System.Text.Json;
using Cloud.Cli.Infrastructure;
using Cloud.Sdk.Jobs;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Cloud.Cli.Commands;

/// <summary>Submits a job (docs/jobs.md), and follows it with --follow.</summary>
internal sealed class JobsSubmitCommand(CliEnvironment environment) : ClientCommand<JobsSubmitCommand.Settings>(environment)
{
    internal sealed class Settings : ClientSettings
    {
        [CommandArgument(0, "<KIND>")]
        [Description("validate, probe, promote, ...")]
        public string Kind { get; init; } = "";

        [CommandArgument(1, "[MODEL]")]
        [Description("The model's name (a probe job takes none).")]
        public string? Model { get; init; }

        [CommandArgument(2, "[VERSION]")]
        [Description("The version.")]
        public string? Version { get; init; }

        [CommandOption("--spec <JSON>")]
        [Description("The job's spec as JSON, or @file.json.")]
        public string? Spec { get; init; }

        [CommandOption("--id <ID>")]
        [Description("An id of your choosing: submitting again with it answers the same job instead of a second one.")]
        public string? Id { get; init; }

        [CommandOption("--follow")]
        [Description("Follow the job until it ends (status and log); the exit code says whether it succeeded.")]
        public bool Follow { get; init; }
    }

    protected override async Task<int> RunAsync(Settings settings, CancellationToken cancellationToken)
    {
        JsonElement? spec = null;
        if (settings.Spec is { } text)
        {
            var json = text.StartsWith('@') ? await File.ReadAllTextAsync(text[1..], cancellationToken) : text;
            try
            {
                spec = JsonSerializer.Deserialize<JsonElement>(json);
            }
            catch (JsonException error)
            {
                throw new UsageException($"--spec is not valid JSON: {error.Message}");
            }
        }

        using var client = Clients.Jobs(settings, Environment);
        var job = await client.SubmitAsync(new JobRequest(settings.Kind, settings.Model, settings.Version, spec, settings.Id), cancellationToken);
        if (settings.Follow)
        {
            return await JobsFollowCommand.FollowAsync(client, job.Id, settings.Json, Environment, cancellationToken);
        }

        if (settings.Json)
        {
            Output.Json(Environment, job);
        }
        else
        {
            Environment.Console.MarkupLineInterpolated($"Job [bold]{job.Id}[/] ({$"{job.Kind} {job.Model} {job.Version}".TrimEnd()}) is {job.Status.ToWireName()}. Follow it with: cloud jobs follow {job.Id}");
        }

        return ExitCodes.Ok;
    }
}
