using System.ComponentModel;
using Cloud.Cli.Infrastructure;
using Cloud.Sdk.Registry;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Cloud.Cli.Commands;

/// <summary>Shows one model (versions, labels with ETags, traffic, routing) or one version (status, signature, metrics).</summary>
internal sealed class ModelsShowCommand(CliEnvironment environment) : ClientCommand<ModelsShowCommand.Settings>(environment)
{
    internal sealed class Settings : ClientSettings
    {
        [CommandArgument(0, "<MODEL>")]
        [Description("The model's name.")]
        public string Model { get; init; } = "";

        [CommandArgument(1, "[VERSION]")]
        [Description("A version, to show that version in full.")]
        public string? Version { get; init; }
    }

    protected override async Task<int> RunAsync(Settings settings, CancellationToken cancellationToken)
    {
        using var client = Clients.Models(settings, Environment);
        if (settings.Version is { } version)
        {
            var info = await client.GetVersionAsync(settings.Model, version, cancellationToken);
            if (settings.Json)
            {
                Output.Json(Environment, info);
                return ExitCodes.Ok;
            }

            var grid = new Grid().AddColumn().AddColumn();
            grid.AddRow("version", Markup.Escape($"{info.Model} {info.Version}"));
            grid.AddRow("status", info.Status.ToWireName());
            grid.AddRow("sha256", info.Sha256 ?? "");
            grid.AddRow("size", info.Size?.ToString("N0", System.Globalization.CultureInfo.InvariantCulture) ?? "");
            if (info.FailureReason is { } reason)
            {
                grid.AddRow("failure", Markup.Escape(reason));
            }

            foreach (var tensor in info.Signature?.Inputs ?? [])
            {
                grid.AddRow("input", Markup.Escape($"{tensor.Name} {tensor.ElementType}[{string.Join(",", tensor.Shape)}]"));
            }

            foreach (var tensor in info.Signature?.Outputs ?? [])
            {
                grid.AddRow("output", Markup.Escape($"{tensor.Name} {tensor.ElementType}[{string.Join(",", tensor.Shape)}]"));
            }

            foreach (var metrics in info.Metrics)
            {
                grid.AddRow("metrics", Markup.Escape(string.Join(", ", metrics.Values.Select(v => $"{v.Key}={v.Value:0.####}"))));
            }

            Environment.Console.Write(grid);
            return ExitCodes.Ok;
        }

        var model = await client.GetModelAsync(settings.Model, cancellationToken);
        if (settings.Json)
        {
            Output.Json(Environment, model);
            return ExitCodes.Ok;
        }

        var versions = new Table().AddColumns("version", "status", "created", "failure");
        foreach (var v in model.Versions)
        {
            versions.AddRow(Markup.Escape(v.Version), v.Status.ToWireName(), v.CreatedAt.ToString("u", System.Globalization.CultureInfo.InvariantCulture), Markup.Escape(v.FailureReason ?? ""));
        }

        Environment.Console.Write(versions);
        foreach (var label in model.Labels)
        {
            Environment.Console.MarkupLineInterpolated($"label [bold]{label.Label}[/] → {label.Version} (eTag {label.ETag})");
        }

        if (model.Policy.Traffic.Count > 0)
        {
            Environment.Console.MarkupLineInterpolated($"traffic {string.Join(", ", model.Policy.Traffic.Select(t => $"{t.Key}={t.Value}"))}");
        }

        return ExitCodes.Ok;
    }
}
