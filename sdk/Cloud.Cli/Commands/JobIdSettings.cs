using System.ComponentModel;
using Cloud.Cli.Infrastructure;
using Spectre.Console.Cli;

namespace Cloud.Cli.Commands;

/// <summary>The settings of the commands that act on one job.</summary>
internal sealed class JobIdSettings : ClientSettings
{
    [CommandArgument(0, "<JOB-ID>")]
    [Description("The job's id.")]
    public string Id { get; init; } = "";
}
