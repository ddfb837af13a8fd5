using System.ComponentModel;
using System.Globalization;
using Cloud.Cli.Infrastructure;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Cloud.Cli.Commands;

/// <summary>Sets a model's traffic split: <c>cloud traffic set iris stable=90 canary=10</c>.</summary>
internal sealed class TrafficSetCommand(CliEnvironment environment) : ClientCommand<TrafficSetCommand.Settings>(environment)
{
    internal sealed class Settings : ClientSettings
    {
        [CommandArgument(0, "<MODEL>")]
        [Description("The model's name.")]
        public string Model { get; init; } = "";

        [CommandArgument(1, "[LABEL=WEIGHT]")]
        [Description("Weights per label, whole numbers that sum to 100; none removes the split.")]
        public string[] Weights { get; init; } = [];
    }

    protected override async Task<int> RunAsync(Settings settings, CancellationToken cancellationToken)
    {
        var traffic = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var pair in settings.Weights)
        {
            var at = pair.IndexOf('=', StringComparison.Ordinal);
            if (at <= 0 || !int.TryParse(pair.AsSpan(at + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var weight))
            {
                throw new UsageException($"'{pair}' is not LABEL=WEIGHT; write it as stable=90, a label and a whole number from 0 to 100.");
            }

            traffic[pair[..at]] = weight;
        }

        using var client = Clients.Models(settings, Environment);
        var policy = await client.SetTrafficAsync(settings.Model, traffic, cancellationToken);
        if (settings.Json)
        {
            Output.Json(Environment, policy);
        }
        else
        {
            var split = policy.Traffic.Count == 0 ? "no split (routing: stable, then newest)" : string.Join(", ", policy.Traffic.Select(t => $"{t.Key}={t.Value}"));
            Environment.Console.MarkupLineInterpolated($"{policy.Model} traffic: {split}.");
        }

        return ExitCodes.Ok;
    }
}
