using Cloud.Jobs.Ledger;
using Cloud.Jobs.Runner;
using Cloud.Registry;
using Cloud.Registry.Registered;
using Cloud.Sdk.Manifests;
using Cloud.Sdk.Registry;
using Cloud.Storage.Blobs;

namespace Cloud.Jobs.Training;

/// <summary>A train job's inputs, ready for trainer runs: the dataset downloaded and hashed, the parent's files, the command resolved.</summary>
internal sealed record PreparedTraining(TrainSpec Spec, HyperParameters HyperParameters, TrainerCommand Command, TrainFolders Folders,
    string Dataset, string DatasetSha256, IReadOnlyList<string>? Columns, TimeSpan Timeout);

/// <summary>
/// The steps a train job takes, each one call: prepare (dataset, parent, hyper-parameters, command), run the trainer,
/// publish its output as a version (allocated per job id, uploaded model.json last). The train job takes them once;
/// a tune job prepares once, runs one trainer per trial, and publishes the best.
/// </summary>
internal sealed partial class TrainingSteps(
    ModelRegistry registry, VersionAllocator versions, IBlobStore models, RegisteredContent registered, JobFiles files, JobsOptions options, TimeProvider time)
{
    /// <summary>
    /// The version an earlier run of this job uploaded whole (model.json is written last) before its runner died; null
    /// when there is none, and the job has its work to do.
    /// </summary>
    public async Task<string?> UploadedEarlierAsync(string model, string jobId, CancellationToken cancellationToken) =>
        await versions.FindAsync(model, jobId, cancellationToken).ConfigureAwait(false) is { } earlier
            && await models.GetPropertiesAsync($"{model}/{earlier}/{ModelManifest.FileName}", cancellationToken).ConfigureAwait(false) is not null
            ? earlier : null;

    public async Task<PreparedTraining> PrepareAsync(TrainSpec spec, string workDirectory, ILogger log, CancellationToken cancellationToken)
    {
        var hyperParameters = await HyperParameters.ReadAsync(spec, models, cancellationToken).ConfigureAwait(false);
        var command = TrainerCommand.Resolve(spec.Command, options.TrainersRoot, options.Python);
        var work = TrainFolders.Create(workDirectory);

        var dataset = Path.Combine(work.Dataset, Path.GetFileName(spec.Dataset));
        var (datasetSha256, datasetSize) = await models.DownloadAndHashAsync(spec.Dataset, dataset, cancellationToken).ConfigureAwait(false)
            ?? throw new JobFailedException($"Dataset {TrainText.Quote(spec.Dataset)} does not exist in the model store ({models.Description}).");
        LogDataset(log, spec.Dataset, datasetSize, datasetSha256);
        var columns = DatasetHeader.ReadColumns(dataset, spec.Dataset);
        if (spec.LabelColumn is { } label && columns is not null && !columns.Contains(label, StringComparer.Ordinal))
        {
            throw new JobFailedException(DatasetHeader.Missing(spec.Dataset, label, columns));
        }

        if (spec.Parent is { } parent)
        {
            await DownloadParentAsync(spec.Model, parent, work.Parent, cancellationToken).ConfigureAwait(false);
        }

        var timeout = spec.Timeout is { } asked && asked < options.JobTimeout ? asked : options.JobTimeout;
        return new PreparedTraining(spec, hyperParameters, command, work, dataset, datasetSha256, columns, timeout);
    }

    /// <summary>Runs the trainer in <paramref name="folders"/> with <paramref name="hyperParameters"/>; its curve is kept as {curveOwner}/curve.jsonl in the jobs container.</summary>
    /// <returns>The curve's points.</returns>
    public Task<int> RunAsync(PreparedTraining prepared, TrainFolders folders, HyperParameters hyperParameters, string curveOwner, ILogger log, CancellationToken cancellationToken) =>
        TrainerRun.RunAsync(prepared.Command, folders, prepared.Dataset, prepared.Spec, hyperParameters, prepared.Timeout,
            new TrainingCurve(folders.Metrics, folders.Curve, files, curveOwner, time, log), log, cancellationToken);

    /// <summary>
    /// Makes a trainer's output folder the job's version: checks its manifest under a stand-in version first (a manifest
    /// that cannot register takes no version number), allocates the version for the job, and uploads it, model.json last.
    /// </summary>
    public async Task<(string Version, int Files)> PublishAsync(PreparedTraining prepared, TrainedFolder trained, TrainLineage lineage, ILogger log, CancellationToken cancellationToken)
    {
        var spec = prepared.Spec;
        trained.Manifest(spec.Model, spec.Version ?? "0.0.0", lineage, prepared.Columns, spec.Promotion);
        string version;
        try
        {
            version = await versions.AllocateAsync(spec.Model, lineage.JobId, spec.Version, cancellationToken).ConfigureAwait(false);
        }
        catch (RegistryException refused)
        {
            throw new JobFailedException(refused.Message, refused);
        }

        var manifest = trained.Manifest(spec.Model, version, lineage, prepared.Columns, spec.Promotion);
        await EnsureNotTakenAsync(spec.Model, version, lineage.JobId, cancellationToken).ConfigureAwait(false);
        await UploadAsync(trained, spec.Model, version, manifest, cancellationToken).ConfigureAwait(false);
        LogUploaded(log, spec.Model, version, trained.Files.Count + 1);
        return (version, trained.Files.Count + 1);
    }

    private async Task DownloadParentAsync(string model, string parent, string folder, CancellationToken cancellationToken)
    {
        var row = await registry.GetVersionRowAsync(model, parent, cancellationToken).ConfigureAwait(false)
            ?? throw new JobFailedException($"Model '{model}' has no version '{TrainText.Escape(parent)}' to train from.");
        if (RegistryRows.FilesOf(row) is not { } parentFiles)
        {
            throw new JobFailedException($"{model} {parent} is {RegistryRows.ToVersion(row).Status.ToWireName()} and has no registered files to train from.");
        }

        var root = Path.GetFullPath(folder) + Path.DirectorySeparatorChar;
        foreach (var name in parentFiles.Sha256ByName.Keys)
        {
            // Registered names are the manifest's relative paths; still, nothing is written outside the folder.
            var file = Path.GetFullPath(Path.Combine(root, name));
            if (!file.StartsWith(root, StringComparison.Ordinal) || !await registered.DownloadAsync(parentFiles, name, file, cancellationToken).ConfigureAwait(false))
            {
                throw new JobFailedException(parentFiles.MissingCopy(name));
            }
        }
    }

    /// <summary>A version registered meanwhile by someone else (an upload that ignored the reservation) is never overwritten.</summary>
    private async Task EnsureNotTakenAsync(string model, string version, string jobId, CancellationToken cancellationToken)
    {
        var existing = await registry.GetVersionAsync(model, version, cancellationToken).ConfigureAwait(false);
        if (existing is not null && MadeBy(existing.Lineage) != jobId)
        {
            throw new JobFailedException($"{model} {version}, which this job reserved, was registered meanwhile by another upload; nothing was uploaded. Run the job again for the next version.");
        }
    }

    private static string? MadeBy(string? lineage)
    {
        if (lineage is null)
        {
            return null;
        }

        using var document = System.Text.Json.JsonDocument.Parse(lineage);
        return document.RootElement.TryGetProperty("jobId", out var jobId) ? jobId.GetString() : null;
    }

    private async Task UploadAsync(TrainedFolder trained, string model, string version, byte[] manifest, CancellationToken cancellationToken)
    {
        foreach (var file in trained.Files)
        {
            var content = File.OpenRead(trained.PathOf(file));
            await using (content.ConfigureAwait(false))
            {
                await models.PutAsync($"{model}/{version}/{file}", content, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
        }

        // Last: the folder is complete once model.json is there, and registration looks only then.
        await models.PutAsync($"{model}/{version}/{ModelManifest.FileName}", new MemoryStream(manifest), cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Dataset {Dataset}: {Size} bytes, sha256 {Sha256}")]
    private static partial void LogDataset(ILogger log, string dataset, long size, string sha256);

    [LoggerMessage(Level = LogLevel.Information, Message = "Uploaded {Model} {Version} ({Files} files, model.json last)")]
    private static partial void LogUploaded(ILogger log, string model, string version, int files);
}
