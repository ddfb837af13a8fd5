using Cloud.Cli.Infrastructure;
using Spectre.Console;

namespace Cloud.Cli.Commands;

/// <summary>The host's status: loaded versions and per-version traffic.</summary>
internal sealed class StatusCommand(CliEnvironment environment) : ClientCommand<ClientSettings>(environment)
{
    protected override async Task<int> RunAsync(ClientSettings settings, CancellationToken cancellationToken)
    {
        using var client = Clients.Models(settings, Environment);
        var status = await client.GetStatusAsync(cancellationToken);
        if (settings.Json)
        {
            Output.Json(Environment, status);
            return ExitCodes.Ok;
        }

        Environment.Console.MarkupLineInterpolated($"[bold]{client.Endpoint}[/] is up.");
        if (status.TryGetProperty("loaded", out var loaded) && loaded.ValueKind == System.Text.Json.JsonValueKind.Array)
        {
            var table = new Table().AddColumns("model", "version", "state");
            foreach (var version in loaded.EnumerateArray())
            {
                table.AddRow(Text(version, "model"), Text(version, "version"), Text(version, "state"));
            }

            Environment.Console.Write(table);
        }

        if (status.TryGetProperty("traffic", out var traffic) && traffic.ValueKind == System.Text.Json.JsonValueKind.Array)
        {
            var table = new Table().AddColumns("model", "version", "requests", "5xx", "p95 ms");
            foreach (var row in traffic.EnumerateArray())
            {
                table.AddRow(Text(row, "model"), Text(row, "version"), Text(row, "requests"), Text(row, "serverErrors"), Text(row, "p95LatencyMs"));
            }

            Environment.Console.Write(table);
        }

        return ExitCodes.Ok;
    }

    private static string Text(System.Text.Json.JsonElement element, string name) =>
        Markup.Escape(!element.TryGetProperty(name, out var value) ? ""
            : value.ValueKind == System.Text.Json.JsonValueKind.Number && !value.TryGetInt64(out _) ? value.GetDouble().ToString("0.##", System.Globalization.CultureInfo.InvariantCulture)
            : value.ToString());
}
