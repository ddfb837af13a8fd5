using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using Cloud.Cli.Infrastructure;
using Cloud.Sdk.Prediction;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Cloud.Cli.Commands;

/// <summary>
/// Predicts through TF Serving REST from arguments (<c>5.1,3.5,1.4,0.2</c> or <c>sepal_length=5.1,...</c>), a CSV file
/// (a header of feature names makes named rows) or a JSON body file, and says which version answered and why. With
/// <c>--protocol json|binary|grpc</c> the rows go to the Open Inference Protocol as one FP32 tensor instead: JSON,
/// binary tensor data, or gRPC (docs/grpc.md).
/// </summary>
internal sealed class PredictCommand(CliEnvironment environment) : ClientCommand<PredictCommand.Settings>(environment)
{
    internal sealed class Settings : ClientSettings
    {
        [CommandArgument(0, "<MODEL>")]
        [Description("The model's name.")]
        public string Model { get; init; } = "";

        [CommandArgument(1, "[ROW]")]
        [Description("Rows: comma-separated numbers (5.1,3.5,1.4,0.2) or named features (sepal_length=5.1,sepal_width=3.5,...).")]
        public string[] Rows { get; init; } = [];

        [CommandOption("-f|--file <FILE>")]
        [Description("A .csv file (rows; a header of names makes named rows) or a .json request body sent as is.")]
        public string? File { get; init; }

        [CommandOption("--version <VERSION>")]
        [Description("Ask this version.")]
        public string? Version { get; init; }

        [CommandOption("--label <LABEL>")]
        [Description("Ask the version this label points at.")]
        public string? Label { get; init; }

        [CommandOption("--routing-key <KEY>")]
        [Description("Stay on one side of a traffic split for this key.")]
        public string? RoutingKey { get; init; }

        [CommandOption("--protocol <PROTOCOL>")]
        [Description("tf (TF Serving REST, the default), or the Open Inference Protocol: json, binary (binary tensor data) or grpc.")]
        public string Protocol { get; init; } = "tf";

        [CommandOption("--input <NAME>")]
        [Description("With json, binary or grpc: the model input the rows fill, as a [rows, features] FP32 tensor.")]
        public string? Input { get; init; }

        [CommandOption("--grpc-endpoint <URL>")]
        [Description("With grpc: the host's gRPC address (default: the endpoint's host on port 8081, Cloud:Grpc:Port).")]
        public string? GrpcEndpoint { get; init; }
    }

    protected override async Task<int> RunAsync(Settings settings, CancellationToken cancellationToken)
    {
        var target = settings switch
        {
            { Version: { } v, Label: null } => ModelTarget.ForVersion(v),
            { Label: { } l, Version: null } => ModelTarget.ForLabel(l),
            { Version: null, Label: null, RoutingKey: { } k } => ModelTarget.ForRoutingKey(k),
            { Version: null, Label: null } => ModelTarget.Routed,
            _ => throw new UsageException("Give --version or --label, not both."),
        };

        if (settings.Protocol is not "tf")
        {
            return await InferAsync(settings, target, cancellationToken);
        }

        using var client = Clients.Prediction(settings, Environment);
        PredictionResult result;
        if (settings.File is { } file && file.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            result = await client.PredictJsonAsync(settings.Model, await ReadFileAsync(file, cancellationToken), target, cancellationToken);
        }
        else
        {
            var lines = settings.File is { } csv
                ? (await System.IO.File.ReadAllLinesAsync(Exists(csv), cancellationToken)).Where(l => l.Trim().Length > 0).ToList()
                : settings.Rows.ToList();
            if (lines.Count == 0)
            {
                throw new UsageException("Nothing to predict: give rows as arguments (5.1,3.5,1.4,0.2) or --file rows.csv / body.json.");
            }

            var cells = lines.Select(l => l.Split(',', StringSplitOptions.TrimEntries)).ToList();
            if (settings.File is not null && !cells[0].All(IsNumber))
            {
                // A CSV header: named rows, values by column name.
                var header = cells[0];
                var named = cells.Skip(1).Select((row, i) => (IReadOnlyDictionary<string, float>)header.Zip(row)
                    .ToDictionary(p => p.First, p => Number(p.Second, i + 2), StringComparer.Ordinal)).ToList();
                result = await client.PredictNamedAsync(settings.Model, named, target, cancellationToken);
            }
            else if (cells.All(row => row.All(c => c.Contains('=', StringComparison.Ordinal))))
            {
                var named = cells.Select((row, i) => (IReadOnlyDictionary<string, float>)row.Select(c => c.Split('=', 2))
                    .ToDictionary(p => p[0], p => Number(p[1], i + 1), StringComparer.Ordinal)).ToList();
                result = await client.PredictNamedAsync(settings.Model, named, target, cancellationToken);
            }
            else
            {
                result = await client.PredictAsync(settings.Model, cells.Select((row, i) => row.Select(c => Number(c, i + 1)).ToArray()).ToList(), target, cancellationToken);
            }
        }

        if (settings.Json)
        {
            Output.Json(Environment, new { model = result.Model, version = result.ModelVersion, route = result.Route, predictions = result.Predictions });
        }
        else
        {
            Environment.Console.MarkupLineInterpolated($"[grey]{result.Model} {result.ModelVersion} (route {result.Route})[/]");
            Environment.Out.WriteLine(JsonSerializer.Serialize(result.Predictions));
        }

        return ExitCodes.Ok;
    }

    /// <summary>The rows as one [rows, features] FP32 tensor through the Open Inference Protocol.</summary>
    private async Task<int> InferAsync(Settings settings, ModelTarget target, CancellationToken cancellationToken)
    {
        if (settings.Protocol is not ("json" or "binary" or "grpc"))
        {
            throw new UsageException($"--protocol '{settings.Protocol}' is not one of tf, json, binary, grpc.");
        }

        var input = settings.Input ?? throw new UsageException($"--protocol {settings.Protocol} sends one tensor: name the model input with --input (see GET /v2/models/{settings.Model}).");
        var lines = settings.File is { } csv
            ? (await System.IO.File.ReadAllLinesAsync(Exists(csv), cancellationToken)).Where(l => l.Trim().Length > 0).ToList()
            : settings.Rows.ToList();
        var rows = lines.Select((l, i) => l.Split(',', StringSplitOptions.TrimEntries).Select(c => Number(c, i + 1)).ToArray()).ToList();
        if (rows.Count == 0 || rows.Any(r => r.Length != rows[0].Length))
        {
            throw new UsageException("Give rows of numbers, each with the same number of features (5.1,3.5,1.4,0.2).");
        }

        Uri? grpc = null;
        if (settings.Protocol == "grpc")
        {
            var endpoint = Clients.Endpoint(settings, Environment);
            var text = settings.GrpcEndpoint ?? new UriBuilder(endpoint) { Port = 8081, Path = "" }.Uri.ToString();
            grpc = Uri.TryCreate(text, UriKind.Absolute, out var uri) ? uri : throw new UsageException($"--grpc-endpoint '{text}' is not an address such as http://localhost:8081.");
        }

        using var client = Clients.Prediction(settings, Environment, binaryTensors: settings.Protocol == "binary", grpcEndpoint: grpc);
        var tensor = InferTensor.Fp32(input, [rows.Count, rows[0].Length], [.. rows.SelectMany(r => r)]);
        var result = await client.InferAsync(settings.Model, [tensor], target, cancellationToken);
        var outputs = result.Outputs.ToDictionary(o => o.Name, o => (object)new { datatype = o.Datatype, shape = o.Shape, data = o.Data });
        if (settings.Json)
        {
            Output.Json(Environment, new { model = result.Model, version = result.ModelVersion, route = result.Route, outputs });
        }
        else
        {
            Environment.Console.MarkupLineInterpolated($"[grey]{result.Model} {result.ModelVersion} (route {result.Route}, {settings.Protocol})[/]");
            Environment.Out.WriteLine(JsonSerializer.Serialize(outputs));
        }

        return ExitCodes.Ok;
    }

    private static bool IsNumber(string cell) => float.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out _);

    private static float Number(string cell, int row) =>
        float.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new UsageException($"Row {row}: '{cell}' is not a number; write features as numbers such as 5.1.");

    private static string Exists(string path) =>
        System.IO.File.Exists(path) ? path : throw new UsageException($"The file '{path}' does not exist.");

    private static async Task<ReadOnlyMemory<byte>> ReadFileAsync(string path, CancellationToken cancellationToken) =>
        await System.IO.File.ReadAllBytesAsync(Exists(path), cancellationToken);
}
