using System.ComponentModel;
using Spectre.Console.Cli;

namespace Cloud.Cli.Infrastructure;

/// <summary>The options every command that talks to a host takes; each also reads an environment variable.</summary>
internal class ClientSettings : CommandSettings
{
    [CommandOption("--endpoint <URL>")]
    [Description("The host's address (env CLOUD_ENDPOINT; default http://localhost:7071).")]
    public string? Endpoint { get; init; }

    [CommandOption("--admin-key <KEY>")]
    [Description("The management API's admin key (env CLOUD_ADMIN_KEY).")]
    public string? AdminKey { get; init; }

    [CommandOption("--function-key <KEY>")]
    [Description("An Azure Functions function key, for a Function App (env CLOUD_FUNCTION_KEY).")]
    public string? FunctionKey { get; init; }

    [CommandOption("--json")]
    [Description("Write the result as JSON on stdout, for scripts; no progress, no colours.")]
    public bool Json { get; init; }
}
