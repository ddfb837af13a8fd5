using System.Text.Json;
using Cloud.Registry.Registration;
using Cloud.Serving.Routing;
using Cloud.Serving.Vertex;
using Cloud.Storage.Blobs;
using Cloud.Storage.GoogleStorage;
using Google.Api.Gax;
using Google.Cloud.Storage.V1;

namespace Cloud.Host.Vertex;

/// <summary>
/// Brings the deployment's model folder from AIP_STORAGE_URI into the container's embedded stores the way every model
/// arrives: its files copied into the models container under {name}/{version}/ (model.json last, as Cloud's tools
/// upload), then registered by the same workflow the store scanner and the blob trigger call, then routed, which loads
/// it through the model cache with its warm-up. Only then is the version <see cref="Loaded"/> and the health route 200.
/// A folder that cannot be served stops the container with the reason (Vertex shows the log and fails the deployment)
/// rather than leaving a replica that answers 503 for ever.
/// </summary>
internal sealed partial class VertexArtifactLoader(
    VertexOptions options, IBlobStore models, RegistrationWorkflow registration, ModelRouter router, IHostApplicationLifetime lifetime, ILogger<VertexArtifactLoader> logger)
    : BackgroundService, IDeployedVersion
{
    private readonly TaskCompletionSource<(string Model, string Version)> _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<(string Model, string Version)> Loaded => _loaded.Task;

    /// <summary>Why the artifacts could not be served, once that is known; the process then exits with <see cref="FailureExitCode"/>.</summary>
    public string? Failure { get; private set; }

    public const int FailureExitCode = 3;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var location = options.StorageLocation;
        var uri = location.ToString();
        try
        {
            // Application Default Credentials: on Vertex, the deployment's service account from the metadata server.
            // STORAGE_EMULATOR_HOST points the client at an emulator instead (tests use a loopback fake).
            using var client = await new StorageClientBuilder { EmulatorDetection = EmulatorDetection.EmulatorOrProduction }.BuildAsync(stoppingToken).ConfigureAwait(false);
            var artifacts = new GcsBlobStore(client, location);
            LogReading(uri);
            var (model, version) = await CopyAsync(artifacts, stoppingToken).ConfigureAwait(false);

            var outcome = await registration.HandleBlobAsync($"{model}/{version}/model.json", stoppingToken).ConfigureAwait(false);
            if (outcome.Status is not (RegistrationStatus.Registered or RegistrationStatus.Unchanged))
            {
                throw new VertexArtifactException($"{model} {version} from {location} did not register ({outcome.Status.ToString().ToLowerInvariant()}): {outcome.Message}");
            }

            var routed = await router.RouteAsync(model, version, null, null, stoppingToken).ConfigureAwait(false);
            if (!routed.Succeeded)
            {
                throw new VertexArtifactException($"{model} {version} from {location} registered but cannot be served: {routed.Problem}");
            }

            LogReady(model, version, uri);
            _loaded.TrySetResult((model, version));
        }
        catch (Exception error) when (error is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            Failure = error is VertexArtifactException ? error.Message : $"Reading {location} failed: {error.Message}";
            LogFailed(VertexOptions.StorageUriVariable, Failure);
            lifetime.StopApplication();
        }
    }

    /// <summary>Copies the folder's files into the models container; returns the name and version its model.json gives.</summary>
    private async Task<(string Model, string Version)> CopyAsync(GcsBlobStore artifacts, CancellationToken cancellationToken)
    {
        var files = new List<BlobProperties>();
        await foreach (var blob in artifacts.ListAsync("", cancellationToken).ConfigureAwait(false))
        {
            // A model folder is flat (docs/model-folder.md); anything in a subfolder is not part of it.
            if (!blob.Path.Contains('/', StringComparison.Ordinal))
            {
                files.Add(blob);
            }
        }

        if (!files.Any(f => f.Path == "model.json"))
        {
            throw new VertexArtifactException(files.Count == 0
                ? $"{VertexOptions.StorageUriVariable} {options.StorageLocation} holds no files; upload the model folder (model.json, model.onnx, ...) to the model's artifactUri."
                : $"{VertexOptions.StorageUriVariable} {options.StorageLocation} holds no model.json at its top level (it holds {string.Join(", ", files.Select(f => f.Path))}); upload the model folder to the model's artifactUri.");
        }

        var manifest = await artifacts.ReadAllBytesAsync("model.json", cancellationToken).ConfigureAwait(false)
            ?? throw new VertexArtifactException($"model.json disappeared from {options.StorageLocation} while it was read.");
        var (model, version) = NameAndVersion(manifest);
        foreach (var file in files.Where(f => f.Path != "model.json"))
        {
            var download = await artifacts.OpenReadAsync(file.Path, cancellationToken).ConfigureAwait(false)
                ?? throw new VertexArtifactException($"{file.Path} disappeared from {options.StorageLocation} while it was read.");
            await using (download.ConfigureAwait(false))
            {
                await models.PutAsync($"{model}/{version}/{file.Path}", download.Content, cancellationToken: cancellationToken).ConfigureAwait(false);
            }

            LogCopied(file.Path, file.Size);
        }

        await models.PutAsync($"{model}/{version}/model.json", new MemoryStream(manifest), cancellationToken: cancellationToken).ConfigureAwait(false);
        return (model, version);
    }

    /// <summary>Where the folder goes; the manifest's own checks are registration's, which records them.</summary>
    private (string Model, string Version) NameAndVersion(byte[] manifest)
    {
        try
        {
            using var json = JsonDocument.Parse(manifest);
            if (json.RootElement.ValueKind == JsonValueKind.Object
                && json.RootElement.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String
                && json.RootElement.TryGetProperty("version", out var version) && version.ValueKind == JsonValueKind.String)
            {
                return (name.GetString()!, version.GetString()!);
            }
        }
        catch (JsonException error)
        {
            throw new VertexArtifactException($"model.json in {options.StorageLocation} is not valid JSON: {error.Message}");
        }

        throw new VertexArtifactException($"model.json in {options.StorageLocation} must give the model's \"name\" and \"version\" as strings.");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Reading the model's artifacts from {StorageUri}")]
    private partial void LogReading(string storageUri);

    [LoggerMessage(Level = LogLevel.Information, Message = "Copied {File} ({Bytes} bytes) into the models container")]
    private partial void LogCopied(string file, long bytes);

    [LoggerMessage(Level = LogLevel.Information, Message = "Serving {Model} {Version} from {StorageUri}: loaded and warmed, health is 200")]
    private partial void LogReady(string model, string version, string storageUri);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Cannot serve the artifacts at {Variable}: {Reason}")]
    private partial void LogFailed(string variable, string reason);
}
