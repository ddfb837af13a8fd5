using Cloud.Storage.Blobs;

namespace Cloud.Host;

/// <summary>
/// Copies sample model folders into the models container when they are not there yet, model.json last (as every
/// Cloud tool uploads), so a fresh local host has something to serve. Folders without their model file
/// (e.g. the benchmark MLP before it is generated) are skipped.
/// </summary>
internal sealed partial class SampleSeeder(IBlobStore models, LocalHostOptions options, ILogger<SampleSeeder> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.SeedModelsFrom is { } samples && Directory.Exists(samples))
        {
            foreach (var model in await SeedAsync(samples, cancellationToken).ConfigureAwait(false))
            {
                LogSeeded(model);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task<IReadOnlyList<string>> SeedAsync(string samplesDirectory, CancellationToken cancellationToken)
    {
        var seeded = new List<string>();
        foreach (var manifest in Directory.EnumerateFiles(samplesDirectory, "model.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var folder = Path.GetDirectoryName(manifest)!;
            var (name, version) = NameAndVersion(manifest);
            if (name is null || version is null || await models.GetPropertiesAsync($"{name}/{version}/model.json", cancellationToken).ConfigureAwait(false) is not null)
            {
                continue;
            }

            var files = Directory.GetFiles(folder).Where(f => !f.EndsWith("model.json", StringComparison.Ordinal)).ToArray();
            if (!files.Any(f => f.EndsWith(".onnx", StringComparison.Ordinal)))
            {
                LogSkipped(folder);
                continue;
            }

            foreach (var file in files.Append(manifest))
            {
                await using var content = File.OpenRead(file);
                await models.PutAsync($"{name}/{version}/{Path.GetFileName(file)}", content, cancellationToken: cancellationToken).ConfigureAwait(false);
            }

            seeded.Add($"{name} {version}");
        }

        return seeded;
    }

    private static (string? Name, string? Version) NameAndVersion(string manifest)
    {
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(manifest));
        return (json.RootElement.TryGetProperty("name", out var n) ? n.GetString() : null,
            json.RootElement.TryGetProperty("version", out var v) ? v.GetString() : null);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Not seeding {Folder}: it has no .onnx file (generate it first)")]
    private partial void LogSkipped(string folder);

    [LoggerMessage(Level = LogLevel.Information, Message = "Seeded sample {Model} into the models store")]
    private partial void LogSeeded(string model);
}
