using System.ComponentModel;
using Cloud.Cli.Infrastructure;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Cloud.Cli.Commands;

/// <summary>Points a label at a version, optionally only if it has not moved since an ETag.</summary>
internal sealed class LabelsSetCommand(CliEnvironment environment) : ClientCommand<LabelsSetCommand.Settings>(environment)
{
    internal sealed class Settings : ClientSettings
    {
        [CommandArgument(0, "<MODEL>")]
        [Description("The model's name.")]
        public string Model { get; init; } = "";

        [CommandArgument(1, "<LABEL>")]
        [Description("The label, such as stable or canary.")]
        public string Label { get; init; } = "";

        [CommandArgument(2, "<VERSION>")]
        [Description("The version it should point at.")]
        public string Version { get; init; } = "";

        [CommandOption("--if-match <ETAG>")]
        [Description("Move it only if its ETag is still this one (cloud models show MODEL prints it); * for \"it exists\".")]
        public string? IfMatch { get; init; }
    }

    protected override async Task<int> RunAsync(Settings settings, CancellationToken cancellationToken)
    {
        using var client = Clients.Models(settings, Environment);
        var label = await client.SetLabelAsync(settings.Model, settings.Label, settings.Version, settings.IfMatch, cancellationToken);
        if (settings.Json)
        {
            Output.Json(Environment, label);
        }
        else
        {
            Environment.Console.MarkupLineInterpolated($"{label.Model} label [bold]{label.Label}[/] → {label.Version} (eTag {label.ETag}).");
        }

        return ExitCodes.Ok;
    }
}
