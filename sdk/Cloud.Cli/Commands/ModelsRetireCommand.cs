using System.ComponentModel;
using Cloud.Cli.Infrastructure;
using Cloud.Sdk.Registry;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Cloud.Cli.Commands;

/// <summary>Retires a version for good (refused while a label points at it).</summary>
internal sealed class ModelsRetireCommand(CliEnvironment environment) : ClientCommand<ModelsRetireCommand.Settings>(environment)
{
    internal sealed class Settings : ClientSettings
    {
        [CommandArgument(0, "<MODEL>")]
        [Description("The model's name.")]
        public string Model { get; init; } = "";

        [CommandArgument(1, "<VERSION>")]
        [Description("The version to retire.")]
        public string Version { get; init; } = "";

        [CommandOption("--reason <TEXT>")]
        [Description("Why, recorded on the version.")]
        public string Reason { get; init; } = "retired with the cloud CLI";
    }

    protected override async Task<int> RunAsync(Settings settings, CancellationToken cancellationToken)
    {
        using var client = Clients.Models(settings, Environment);
        var info = await client.RetireAsync(settings.Model, settings.Version, settings.Reason, cancellationToken);
        if (settings.Json)
        {
            Output.Json(Environment, info);
        }
        else
        {
            Environment.Console.MarkupLineInterpolated($"{info.Model} {info.Version} is {info.Status.ToWireName()}.");
        }

        return ExitCodes.Ok;
    }
}
