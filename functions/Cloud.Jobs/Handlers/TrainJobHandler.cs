using System.Globalization;
using Cloud.Jobs.Ledger;
using Cloud.Jobs.Runner;
using Cloud.Jobs.Training;
using Cloud.Registry;
using Cloud.Registry.Registered;
using Cloud.Sdk.Jobs;
using Cloud.Sdk.Manifests;
using Cloud.Sdk.Registry;
using Cloud.Storage.Blobs;

namespace Cloud.Jobs.Handlers;

/// <summary>
/// The train job (docs/jobs.md, "Train"): downloads the dataset (hashing it) and the parent version's registered files,
/// runs the trainer as a child process under the trainer contract (CLOUD_* variables, a timeout, its output in the
/// job's log, its metrics file followed as the job's curve), makes its output folder a version — named, or the next
/// patch — with the job's lineage, and uploads it into the models container, model.json last. Registration and the
/// validation the manifest asks for follow by themselves, as for any upload.
/// </summary>
/// <remarks>
/// Safe to run twice for one job (a runner that died after the upload): the version is allocated per job id, so a second
/// run gets the same one, and a run that finds that version's model.json already uploaded returns without training.
/// </remarks>
internal sealed partial class TrainJobHandler(
    ModelRegistry registry, VersionAllocator versions, IBlobStore models, RegisteredContent registered, JobFiles files, JobsOptions options, TimeProvider time) : IJobHandler
{
    public string Kind => JobKinds.Train;

    public string? Check(JobMessage message)
    {
        try
        {
            TrainSpec.Parse(message);
            return null;
        }
        catch (JobFailedException problem)
        {
            return problem.Message;
        }
    }

    public async Task<JobResult> RunAsync(JobContext context, CancellationToken cancellationToken)
    {
        var spec = TrainSpec.Parse(context.Message);
        var id = context.Message.Id;
        if (await versions.FindAsync(spec.Model, id, cancellationToken).ConfigureAwait(false) is { } earlier
            && await models.GetPropertiesAsync($"{spec.Model}/{earlier}/{ModelManifest.FileName}", cancellationToken).ConfigureAwait(false) is not null)
        {
            // An earlier run of this job uploaded its version whole (model.json is written last) and then its runner died.
            LogAlreadyUploaded(context.Log, spec.Model, earlier);
            return new JobResult($"{spec.Model} {earlier} was uploaded by an earlier run of this job; registration and validation follow");
        }

        var hyperParameters = await HyperParameters.ReadAsync(spec, models, cancellationToken).ConfigureAwait(false);
        var command = TrainerCommand.Resolve(spec.Command, options.TrainersRoot, options.Python);
        var work = Folders.Create(context.WorkDirectory);

        var dataset = Path.Combine(work.Dataset, Path.GetFileName(spec.Dataset));
        var (datasetSha256, datasetSize) = await models.DownloadAndHashAsync(spec.Dataset, dataset, cancellationToken).ConfigureAwait(false)
            ?? throw new JobFailedException($"Dataset {TrainText.Quote(spec.Dataset)} does not exist in the model store ({models.Description}).");
        LogDataset(context.Log, spec.Dataset, datasetSize, datasetSha256);
        var columns = DatasetHeader.ReadColumns(dataset, spec.Dataset);
        if (spec.LabelColumn is { } label && columns is not null && !columns.Contains(label, StringComparer.Ordinal))
        {
            throw new JobFailedException(DatasetHeader.Missing(spec.Dataset, label, columns));
        }

        if (spec.Parent is { } parent)
        {
            await DownloadParentAsync(spec.Model, parent, work.Parent, cancellationToken).ConfigureAwait(false);
        }

        await File.WriteAllBytesAsync(work.HyperParameters, hyperParameters.ToJson(), cancellationToken).ConfigureAwait(false);
        var environment = Environment(work, dataset, spec, hyperParameters);
        var timeout = spec.Timeout is { } asked && asked < options.JobTimeout ? asked : options.JobTimeout;
        var shown = string.Join(' ', spec.Command.Select(a => TrainText.Escape(a, 100)));
        LogRunning(context.Log, shown, timeout, spec.CudaVisibleDevices.Length == 0 ? "none (CPU)" : spec.CudaVisibleDevices);

        var curve = new TrainingCurve(work.Metrics, work.Curve, files, id, time, context.Log);
        TrainerExit exit;
        using (var stopFollowing = new CancellationTokenSource())
        {
            var following = curve.FollowAsync(stopFollowing.Token);
            try
            {
                exit = await TrainerProcess.RunAsync(command, environment, timeout, context.Log, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                await stopFollowing.CancelAsync().ConfigureAwait(false);
                await following.ConfigureAwait(false);
                await curve.FinishAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }

        if (exit.TimedOut)
        {
            throw new JobFailedException($"The trainer ran past its timeout of {timeout:c} and was stopped, with every process it started.");
        }

        if (exit.ExitCode != 0)
        {
            throw new JobFailedException(string.Create(CultureInfo.InvariantCulture,
                $"The trainer exited with code {exit.ExitCode}; {(exit.LastErrorLine is { } line ? $"its last error line: {line}" : "it wrote nothing to standard error")}"));
        }

        LogTrained(context.Log, curve.Points, curve.Last ?? "none");
        var trained = TrainedFolder.Read(work.Output);
        var lineage = new TrainLineage(string.Join(' ', spec.Command), spec.Dataset, datasetSha256, id, spec.Parent, hyperParameters);

        // Checked under a stand-in version first: a manifest that cannot register takes no version number.
        trained.Manifest(spec.Model, spec.Version ?? "0.0.0", lineage, columns);
        string version;
        try
        {
            version = await versions.AllocateAsync(spec.Model, id, spec.Version, cancellationToken).ConfigureAwait(false);
        }
        catch (RegistryException refused)
        {
            throw new JobFailedException(refused.Message, refused);
        }

        var manifest = trained.Manifest(spec.Model, version, lineage, columns);
        await EnsureNotTakenAsync(spec.Model, version, id, cancellationToken).ConfigureAwait(false);
        await UploadAsync(trained, spec.Model, version, manifest, cancellationToken).ConfigureAwait(false);
        LogUploaded(context.Log, spec.Model, version, trained.Files.Count + 1);
        return new JobResult(string.Create(CultureInfo.InvariantCulture,
            $"Trained {spec.Model} {version}{(spec.Parent is null ? "" : $" from {spec.Parent}")} on '{spec.Dataset}' (sha256 {datasetSha256[..12]}…), {curve.Points} curve points; uploaded {trained.Files.Count + 1} files, registration and validation follow"));
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

    /// <summary>
    /// The trainer's whole environment: the contract's variables, and of the host's only PATH (and LD_LIBRARY_PATH, where
    /// CUDA's libraries may be found) — never the rest, which may hold storage keys.
    /// </summary>
    private static Dictionary<string, string> Environment(Folders work, string dataset, TrainSpec spec, HyperParameters hyperParameters)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PATH"] = System.Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/bin:/usr/bin:/bin",
            ["HOME"] = work.Home,
            ["TMPDIR"] = work.Temp,
            ["LANG"] = "C.UTF-8",
            ["PYTHONUNBUFFERED"] = "1",
            ["PYTHONDONTWRITEBYTECODE"] = "1",
        };
        if (System.Environment.GetEnvironmentVariable("LD_LIBRARY_PATH") is { Length: > 0 } libraries)
        {
            environment["LD_LIBRARY_PATH"] = libraries;
        }

        foreach (var (name, value) in hyperParameters.ToEnvironment())
        {
            environment[name] = value;
        }

        // After the hyper-parameters, though their prefix keeps them apart: the contract's variables are never overridden.
        environment["CLOUD_DATASET"] = dataset;
        environment["CLOUD_OUTPUT"] = work.Output;
        environment["CLOUD_HPARAMS"] = work.HyperParameters;
        environment["CLOUD_METRICS"] = work.Metrics;
        environment["CLOUD_MODEL"] = spec.Model;
        environment["CUDA_VISIBLE_DEVICES"] = spec.CudaVisibleDevices;
        if (spec.Parent is not null)
        {
            environment["CLOUD_PARENT"] = work.Parent;
        }

        return environment;
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

    /// <summary>The run's folders, inside its work folder (deleted when the run ends).</summary>
    private sealed record Folders(string Dataset, string Output, string Parent, string Home, string Temp, string HyperParameters, string Metrics, string Curve)
    {
        public static Folders Create(string root)
        {
            string Folder(string name) => Directory.CreateDirectory(Path.Combine(root, name)).FullName;
            return new Folders(Folder("dataset"), Folder("output"), Folder("parent"), Folder("home"), Folder("tmp"),
                Path.Combine(root, "hparams.json"), Path.Combine(root, "metrics.jsonl"), Path.Combine(root, "curve.jsonl"));
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Model} {Version} was uploaded by an earlier run of this job; nothing is trained again")]
    private static partial void LogAlreadyUploaded(ILogger log, string model, string version);

    [LoggerMessage(Level = LogLevel.Information, Message = "Dataset {Dataset}: {Size} bytes, sha256 {Sha256}")]
    private static partial void LogDataset(ILogger log, string dataset, long size, string sha256);

    [LoggerMessage(Level = LogLevel.Information, Message = "Running trainer {Command} (timeout {Timeout}, GPUs {Gpus})")]
    private static partial void LogRunning(ILogger log, string command, TimeSpan timeout, string gpus);

    [LoggerMessage(Level = LogLevel.Information, Message = "The trainer succeeded; curve: {Points} points, the last {Last}")]
    private static partial void LogTrained(ILogger log, int points, string last);

    [LoggerMessage(Level = LogLevel.Information, Message = "Uploaded {Model} {Version} ({Files} files, model.json last)")]
    private static partial void LogUploaded(ILogger log, string model, string version, int files);
}
