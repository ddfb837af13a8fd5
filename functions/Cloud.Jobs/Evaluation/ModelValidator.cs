using System.Diagnostics;
using Cloud.Registry;
using Cloud.Registry.Registered;
using Cloud.Registry.Registration;
using Cloud.Sdk.Manifests;
using Cloud.Sdk.Registry;
using Cloud.Storage.Blobs;
using Microsoft.ML.OnnxRuntime;

namespace Cloud.Jobs.Evaluation;

/// <summary>
/// Validates a registered version from its registered copies (the manifest, model file and dataset registration
/// checked and copied, never the folder an upload can change since): loads its model and the baseline's into sessions,
/// streams the dataset through both, and judges the thresholds. What the runner's validate job calls; it records the
/// outcome. A dataset the job names instead of the manifest's is read from the models container.
/// </summary>
internal sealed partial class ModelValidator(
    ModelRegistry registry, RegisteredContent registered, IBlobStore models, ValidationOptions options, ILogger<ModelValidator> logger)
{
    /// <exception cref="EvaluationException">The version, its manifest, model or dataset cannot be validated; the message says why.</exception>
    /// <exception cref="OnnxRuntimeException">ORT cannot load or run a model.</exception>
    public async Task<ValidationOutcome> ValidateAsync(ValidationRequest request, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var candidateFiles = await FilesAsync(request.Candidate, cancellationToken).ConfigureAwait(false);
        var candidateManifest = await ReadManifestAsync(candidateFiles, cancellationToken).ConfigureAwait(false);
        var spec = request.Spec ?? candidateManifest.Validation
            ?? throw new EvaluationException($"{Named(request.Candidate)}: model.json has no \"validation\" section and the job gives no validation spec.");
        var dataset = request.Dataset ?? candidateFiles.DisplayPath(spec.Dataset);
        LogStarting(request.Candidate.Model, request.Candidate.Version, dataset, request.Baseline?.Version);
        var clock = Stopwatch.StartNew();

        using var candidate = await LoadAsync(request.Candidate, candidateFiles, candidateManifest, cancellationToken).ConfigureAwait(false);
        using var baseline = request.Baseline is { } info ? await LoadAsync(info, cancellationToken).ConfigureAwait(false) : null;
        var download = await OpenDatasetAsync(request, candidateFiles, spec, cancellationToken).ConfigureAwait(false)
            ?? throw new EvaluationException(request.Dataset is null
                ? $"Dataset '{dataset}' has no registered copy: {candidateFiles.MissingCopy(spec.Dataset)}"
                : $"Dataset '{dataset}' does not exist in the model store ({models.Description}).");
        var outcome = await DatasetValidation.RunAsync(download.Content, dataset, spec, candidate, baseline, options, progress, cancellationToken).ConfigureAwait(false);

        var (status, reason) = (outcome.Status.ToWireName(), outcome.Reason); // one sentence per job: cheap enough to build unlogged
        LogFinished(request.Candidate.Model, request.Candidate.Version, status, outcome.Rows, clock.Elapsed.TotalSeconds, reason);
        return outcome;
    }

    /// <summary>The version's manifest as it was registered.</summary>
    /// <exception cref="EvaluationException">The version has no registered copies, or its manifest cannot be read.</exception>
    public async Task<ModelManifest> ReadManifestAsync(ModelVersionInfo version, CancellationToken cancellationToken) =>
        await ReadManifestAsync(await FilesAsync(version, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);

    private async Task<RegisteredFiles> FilesAsync(ModelVersionInfo version, CancellationToken cancellationToken)
    {
        if (version.Sha256 is null || version.ModelFile is null)
        {
            throw new EvaluationException($"{Named(version)} has no registered model file ({version.Status.ToWireName()}); only a registered version can be validated.");
        }

        var row = await registry.GetVersionRowAsync(version.Model, version.Version, cancellationToken).ConfigureAwait(false)
            ?? throw new EvaluationException($"Model '{version.Model}' has no version '{version.Version}'.");
        return RegistryRows.FilesOf(row)
            ?? throw new EvaluationException($"{Named(version)} was registered before registration kept copies of its files; it can be validated once the store scanner (or the next event for its folder) has copied them.");
    }

    private async Task<ModelManifest> ReadManifestAsync(RegisteredFiles files, CancellationToken cancellationToken)
    {
        var bytes = await Checked(files, () => registered.ReadAllBytesAsync(files, ModelManifest.FileName, cancellationToken)).ConfigureAwait(false)
            ?? throw new EvaluationException(files.MissingCopy(ModelManifest.FileName));
        var read = ManifestReader.Read(bytes, files.Model, files.Version);
        return read.Succeeded ? read.Manifest!
            : throw new EvaluationException($"{files.Model} {files.Version}: {files.DisplayPath(ModelManifest.FileName)} is not valid:\n{read.Describe()}");
    }

    private async Task<BlobDownload?> OpenDatasetAsync(ValidationRequest request, RegisteredFiles files, ValidationSpec spec, CancellationToken cancellationToken) =>
        request.Dataset is { } named
            ? await models.OpenReadAsync(named, cancellationToken).ConfigureAwait(false)
            : await registered.OpenReadAsync(files, spec.Dataset, cancellationToken).ConfigureAwait(false);

    private async Task<ModelUnderTest> LoadAsync(ModelVersionInfo version, CancellationToken cancellationToken)
    {
        var files = await FilesAsync(version, cancellationToken).ConfigureAwait(false);
        return await LoadAsync(version, files, await ReadManifestAsync(files, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A session over a local copy of the registered model file (checked against its hash), deleted once ORT has read it.</summary>
    private async Task<ModelUnderTest> LoadAsync(ModelVersionInfo version, RegisteredFiles files, ModelManifest manifest, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(options.WorkDirectory);
        var local = Path.Combine(options.WorkDirectory, $"{version.Sha256}-{Guid.NewGuid():N}.onnx");
        try
        {
            if (!await Checked(files, () => registered.DownloadAsync(files, version.ModelFile!, local, cancellationToken)).ConfigureAwait(false))
            {
                throw new EvaluationException(files.MissingCopy(version.ModelFile!));
            }

            return ModelUnderTest.Load(local, manifest, Named(version), options);
        }
        finally
        {
            File.Delete(local);
        }
    }

    /// <summary>A registered copy whose bytes are not its hash's fails the validation with the registered content's words.</summary>
    private static async Task<T> Checked<T>(RegisteredFiles files, Func<Task<T>> read)
    {
        try
        {
            return await read().ConfigureAwait(false);
        }
        catch (InvalidDataException error)
        {
            throw new EvaluationException($"{files.Model} {files.Version}: {error.Message}", error);
        }
    }

    private static string Named(ModelVersionInfo version) => $"{version.Model} {version.Version}";

    [LoggerMessage(Level = LogLevel.Information, Message = "Validating {Model} {Version} on {Dataset} (baseline {Baseline})")]
    private partial void LogStarting(string model, string version, string dataset, string? baseline);

    [LoggerMessage(Level = LogLevel.Information, Message = "Validated {Model} {Version}: {Status} after {Rows} rows in {Seconds:F1} s. {Reason}")]
    private partial void LogFinished(string model, string version, string status, long rows, double seconds, string reason);
}
