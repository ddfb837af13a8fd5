using System.ComponentModel;
using Cloud.Cli.Infrastructure;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Cloud.Cli.Commands;

/// <summary>Removes a label (refused while the traffic split uses it).</summary>
internal sealed class LabelsRemoveCommand(CliEnvironment environment) : ClientCommand<LabelsRemoveCommand.Settings>(environment)
{
    internal sealed class Settings : ClientSettings
    {
        [CommandArgument(0, "<MODEL>")]
        [Description("The model's name.")]
        public string Model { get; init; } = "";

        [CommandArgument(1, "<LABEL>")]
        [Description("The label to remove.")]
        public string Label { get; init; } = "";

        [CommandOption("--if-match <ETAG>")]
        [Description("Remove it only if its ETag is still this one.")]
        public string? IfMatch { get; init; }
    }

    protected override async Task<int> RunAsync(Settings settings, CancellationToken cancellationToken)
    {
        using var client = Clients.Models(settings, Environment);
        await client.RemoveLabelAsync(settings.Model, settings.Label, settings.IfMatch, cancellationToken);
        if (settings.Json)
        {
            Output.Json(Environment, new { model = settings.Model, label = settings.Label, removed = true });
        }
        else
        {
            Environment.Console.MarkupLineInterpolated($"Removed label [bold]{settings.Label}[/] of {settings.Model}.");
        }

        return ExitCodes.Ok;
    }
}
