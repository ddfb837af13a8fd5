using System.ComponentModel;
using Azure.Storage.Blobs;
using Cloud.Cli.Infrastructure;
using Cloud.Sdk.Models;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Cloud.Cli.Commands;

/// <summary>Uploads a model folder (model.json last) and says what registration concluded; a progress bar on a terminal.</summary>
internal sealed class ModelsPushCommand(CliEnvironment environment) : ClientCommand<ModelsPushCommand.Settings>(environment)
{
    internal sealed class Settings : ClientSettings
    {
        [CommandArgument(0, "<FOLDER>")]
        [Description("The model folder: model.json and the files it names.")]
        public string Folder { get; init; } = "";

        [CommandOption("--storage <CONNECTION-STRING>")]
        [Description("Upload straight to this storage account's models container (parallel, resumable blocks) instead of through the API (env CLOUD_STORAGE_CONNECTION_STRING).")]
        public string? Storage { get; init; }

        [CommandOption("--container <NAME>")]
        [Description("The models container for --storage (default models).")]
        public string Container { get; init; } = "models";
    }

    protected override async Task<int> RunAsync(Settings settings, CancellationToken cancellationToken)
    {
        using var client = Clients.Models(settings, Environment);
        var options = new PushOptions();
        if ((settings.Storage ?? Environment.Variable("CLOUD_STORAGE_CONNECTION_STRING")) is { Length: > 0 } connection)
        {
            options.Storage = new BlobContainerClient(connection, settings.Container);
        }

        PushResult result;
        if (Environment.Interactive && !settings.Json)
        {
            result = await Environment.Console.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new TransferSpeedColumn(), new RemainingTimeColumn())
                .StartAsync(async context =>
                {
                    var task = context.AddTask($"push {Markup.Escape(settings.Folder)}");
                    options.Progress = new Reporter(p =>
                    {
                        task.MaxValue = Math.Max(p.TotalBytes, 1);
                        task.Value = p.BytesDone;
                    });
                    var pushed = await client.PushFolderAsync(settings.Folder, options, cancellationToken);
                    task.Value = task.MaxValue;
                    return pushed;
                });
        }
        else
        {
            result = await client.PushFolderAsync(settings.Folder, options, cancellationToken);
        }

        if (settings.Json)
        {
            Output.Json(Environment, result);
        }
        else
        {
            var resumed = result.BytesResumed > 0 ? $", {result.BytesResumed:N0} bytes already there" : "";
            Environment.Console.MarkupLineInterpolated($"Pushed [bold]{result.Model} {result.Version}[/]: {result.Registration} ({result.BytesSent:N0} bytes sent{resumed}).");
        }

        return ExitCodes.Ok;
    }

    /// <summary>Reports on the uploading thread: Progress&lt;T&gt; would post to a thread pool and could report out of order.</summary>
    private sealed class Reporter(Action<PushProgress> report) : IProgress<PushProgress>
    {
        public void Report(PushProgress value) => report(value);
    }
}
