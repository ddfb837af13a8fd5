using Cloud.Cli.Infrastructure;
using Cloud.Sdk.Registry;
using Spectre.Console;

namespace Cloud.Cli.Commands;

/// <summary>Lists models: versions with their status, labels, traffic.</summary>
internal sealed class ModelsListCommand(CliEnvironment environment) : ClientCommand<ClientSettings>(environment)
{
    protected override async Task<int> RunAsync(ClientSettings settings, CancellationToken cancellationToken)
    {
        using var client = Clients.Models(settings, Environment);
        var models = await client.ListModelsAsync(cancellationToken);
        if (settings.Json)
        {
            Output.Json(Environment, models);
            return ExitCodes.Ok;
        }

        var table = new Table().AddColumns("model", "versions", "labels", "traffic");
        foreach (var model in models)
        {
            table.AddRow(
                Markup.Escape(model.Name),
                Markup.Escape(string.Join(", ", model.Versions.Select(v => $"{v.Version} ({v.Status.ToWireName()})"))),
                Markup.Escape(string.Join(", ", model.Labels.Select(l => $"{l.Key}={l.Value}"))),
                Markup.Escape(string.Join(", ", model.Policy.Traffic.Select(t => $"{t.Key}={t.Value}"))));
        }

        Environment.Console.Write(table);
        return ExitCodes.Ok;
    }
}
