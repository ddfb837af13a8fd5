using System.Diagnostics;
using Cloud.Registry.Registration;
using Cloud.Sdk.Manifests;
using Cloud.Sdk.Registry;
using Cloud.Storage.Blobs;
using Microsoft.ML.OnnxRuntime;

namespace Cloud.Jobs.Evaluation;

/// <summary>
/// Validates a registered version from the model store: reads its manifest, copies its model file (checked against
/// the registered SHA-256) and the baseline's into sessions, streams the dataset from the store through both, and
/// judges the thresholds. What the runner's validate job calls; it records the outcome.
/// </summary>
internal sealed partial class ModelValidator(IBlobStore models, ValidationOptions options, ILogger<ModelValidator> logger)
{
    /// <exception cref="EvaluationException">The version, its manifest, model or dataset cannot be validated; the message says why.</exception>
    /// <exception cref="OnnxRuntimeException">ORT cannot load or run a model.</exception>
    public async Task<ValidationOutcome> ValidateAsync(ValidationRequest request, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var candidateManifest = await ReadManifestAsync(request.Candidate, cancellationToken).ConfigureAwait(false);
        var spec = request.Spec ?? candidateManifest.Validation
            ?? throw new EvaluationException($"{Named(request.Candidate)}: model.json has no \"validation\" section and the job gives no validation spec.");
        var dataset = request.Dataset ?? new ModelFolderPath(request.Candidate.Model, request.Candidate.Version).File(spec.Dataset);
        LogStarting(request.Candidate.Model, request.Candidate.Version, dataset, request.Baseline?.Version);
        var clock = Stopwatch.StartNew();

        using var candidate = await LoadAsync(request.Candidate, candidateManifest, cancellationToken).ConfigureAwait(false);
        using var baseline = request.Baseline is { } info
            ? await LoadAsync(info, await ReadManifestAsync(info, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false)
            : null;
        var download = await models.OpenReadAsync(dataset, cancellationToken).ConfigureAwait(false)
            ?? throw new EvaluationException($"Dataset '{dataset}' does not exist in the model store ({models.Description}).");
        var outcome = await DatasetValidation.RunAsync(download.Content, dataset, spec, candidate, baseline, options, progress, cancellationToken).ConfigureAwait(false);

        var (status, reason) = (outcome.Status.ToWireName(), outcome.Reason); // one sentence per job: cheap enough to build unlogged
        LogFinished(request.Candidate.Model, request.Candidate.Version, status, outcome.Rows, clock.Elapsed.TotalSeconds, reason);
        return outcome;
    }

    private async Task<ModelManifest> ReadManifestAsync(ModelVersionInfo version, CancellationToken cancellationToken)
    {
        var folder = new ModelFolderPath(version.Model, version.Version);
        var bytes = await models.ReadAllBytesAsync(folder.File(ModelManifest.FileName), cancellationToken).ConfigureAwait(false)
            ?? throw new EvaluationException($"{Named(version)}: {folder.File(ModelManifest.FileName)} is not in the model store.");
        var read = ManifestReader.Read(bytes, version.Model, version.Version);
        return read.Succeeded ? read.Manifest!
            : throw new EvaluationException($"{Named(version)}: {folder.File(ModelManifest.FileName)} is not valid:\n{read.Describe()}");
    }

    /// <summary>A session over a local copy of the registered model file, deleted once ORT has read it.</summary>
    private async Task<ModelUnderTest> LoadAsync(ModelVersionInfo version, ModelManifest manifest, CancellationToken cancellationToken)
    {
        if (version.Sha256 is not { } sha256 || version.ModelFile is not { } modelFile)
        {
            throw new EvaluationException($"{Named(version)} has no registered model file ({version.Status.ToWireName()}); only a registered version can be validated.");
        }

        var path = new ModelFolderPath(version.Model, version.Version).File(modelFile);
        Directory.CreateDirectory(options.WorkDirectory);
        var local = Path.Combine(options.WorkDirectory, $"{sha256}-{Guid.NewGuid():N}.onnx");
        try
        {
            var downloaded = await models.DownloadAndHashAsync(path, local, cancellationToken).ConfigureAwait(false)
                ?? throw new EvaluationException($"{Named(version)}: the model file {path} is not in the model store.");
            if (downloaded.Sha256 != sha256)
            {
                throw new EvaluationException($"{Named(version)}: {path} has SHA-256 {downloaded.Sha256}, but {sha256} was registered; the file was changed in the store.");
            }

            return ModelUnderTest.Load(local, manifest, Named(version), options);
        }
        finally
        {
            File.Delete(local);
        }
    }

    private static string Named(ModelVersionInfo version) => $"{version.Model} {version.Version}";

    [LoggerMessage(Level = LogLevel.Information, Message = "Validating {Model} {Version} on {Dataset} (baseline {Baseline})")]
    private partial void LogStarting(string model, string version, string dataset, string? baseline);

    [LoggerMessage(Level = LogLevel.Information, Message = "Validated {Model} {Version}: {Status} after {Rows} rows in {Seconds:F1} s. {Reason}")]
    private partial void LogFinished(string model, string version, string status, long rows, double seconds, string reason);
}
