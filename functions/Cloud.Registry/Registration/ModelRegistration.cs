using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Cloud.Registry.Onnx;
using Cloud.Sdk.Onnx;
using Cloud.Registry;
using Cloud.Registry.Registered;
using Cloud.Registry.Registration;
using Microsoft.ML.OnnxRuntime;
using Cloud.Sdk.Jobs;
using Cloud.Sdk.Manifests;
using Cloud.Sdk.Registry;
using Cloud.Storage.Blobs;
using Cloud.Storage.Tables;

namespace Cloud.Registry.Registration;

/// <summary>
/// Turns an uploaded model folder into a registered, immutable version. Every host calls this for every blob
/// event (any file of a folder): it is idempotent, keyed by the folder and the content's hashes, so redelivered
/// or repeated events change nothing. Incomplete folders are "not yet" until a bounded wait has passed; bad
/// folders become a failed version with a reason a person can act on; different content under an existing
/// version is refused and recorded, never written over. A registered version serves from copies of its files that
/// registration writes (<see cref="RegisteredContent"/>), so nothing uploaded into its folder later reaches serving.
/// </summary>
internal sealed partial class ModelRegistration(
    IBlobStore models, RegisteredContent content, ModelRegistry registry, WorkFolder work, RegistrationOptions options, TimeProvider time, ILogger<ModelRegistration> logger)
{
    private readonly ModelInspector _inspector = new(options);

    /// <summary>Registers the folder that <paramref name="blobPath"/> (a path in the models container) belongs to.</summary>
    public async Task<RegistrationOutcome> RegisterAsync(string blobPath, CancellationToken cancellationToken = default)
    {
        var folder = ModelFolderPath.TryParse(blobPath, out var problem);
        if (folder is null)
        {
            LogIgnored(blobPath, problem!);
            return new RegistrationOutcome(RegistrationStatus.Ignored, problem!, null, null);
        }

        var outcome = await RegisterFolderAsync(folder, cancellationToken).ConfigureAwait(false);
        LogOutcome(folder.Model, folder.Version, outcome.Status, outcome.Message);
        return outcome;
    }

    private async Task<RegistrationOutcome> RegisterFolderAsync(ModelFolderPath folder, CancellationToken cancellationToken)
    {
        var manifestBlob = await models.GetPropertiesAsync(folder.File(ModelManifest.FileName), cancellationToken).ConfigureAwait(false);
        var existing = await registry.GetVersionRowAsync(folder.Model, folder.Version, cancellationToken).ConfigureAwait(false);
        if (manifestBlob is null)
        {
            return await WithoutManifestAsync(folder, existing, cancellationToken).ConfigureAwait(false);
        }

        if (existing is not null && !LacksCopies(existing) && await IsSameBlobsAsync(folder, existing, manifestBlob, cancellationToken).ConfigureAwait(false))
        {
            return Unchanged(folder, existing, $"{folder.Model} {folder.Version} is already recorded for these files.");
        }

        var attempt = new Attempt(folder, existing, manifestBlob) { ModelETag = SourceBlobs.NotNeeded };
        if (manifestBlob.Size == 0)
        {
            return await FailAsync(attempt, $"{ModelManifest.FileName} is empty (0 bytes).", cancellationToken).ConfigureAwait(false);
        }

        if (manifestBlob.Size > ManifestLimits.MaxManifestBytes)
        {
            return await FailAsync(attempt, string.Create(CultureInfo.InvariantCulture,
                $"{ModelManifest.FileName} is {manifestBlob.Size:N0} bytes; the limit is {ManifestLimits.MaxManifestBytes:N0}."), cancellationToken).ConfigureAwait(false);
        }

        var manifestBytes = await models.ReadAllBytesAsync(folder.File(ModelManifest.FileName), cancellationToken).ConfigureAwait(false);
        if (manifestBytes is null)
        {
            return Outcome(folder, RegistrationStatus.Pending, $"{ModelManifest.FileName} disappeared while being read; it will be checked again.");
        }

        attempt.ManifestBytes = manifestBytes;
        attempt.ManifestSha256 = Convert.ToHexStringLower(SHA256.HashData(manifestBytes));
        var read = ManifestReader.Read(manifestBytes, folder.Model, folder.Version);
        if (!read.Succeeded)
        {
            return await FailAsync(attempt, $"{ModelManifest.FileName} is not valid:\n{read.Describe()}", cancellationToken).ConfigureAwait(false);
        }

        attempt.ValidationRequested = read.Manifest.Validation is not null;
        return await RegisterModelFileAsync(attempt, read.Manifest, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Files arrive in any order, so a folder without model.json is "not yet" — until its first file is older than
    /// the wait, when the version fails with that reason (a folder uploaded without a manifest is never lost silently).
    /// </summary>
    private async Task<RegistrationOutcome> WithoutManifestAsync(ModelFolderPath folder, TableEntity? existing, CancellationToken cancellationToken)
    {
        if (existing is not null)
        {
            return Unchanged(folder, existing, $"{folder.Model} {folder.Version} is already recorded; its folder has no {ModelManifest.FileName} now.");
        }

        DateTimeOffset? firstArrival = null;
        await foreach (var file in models.ListAsync(folder.Prefix, cancellationToken).ConfigureAwait(false))
        {
            firstArrival = firstArrival is { } seen && seen <= file.LastModified ? seen : file.LastModified;
        }

        var waited = firstArrival is { } first ? time.GetUtcNow() - first : TimeSpan.Zero;
        if (firstArrival is null || waited < options.IncompleteFolderWait)
        {
            return Outcome(folder, RegistrationStatus.Pending, $"{folder.Prefix} has no {ModelManifest.FileName} yet.");
        }

        var attempt = new Attempt(folder, null, null) { ModelETag = null };
        return await FailAsync(attempt,
            $"{folder.Prefix} has no {ModelManifest.FileName} {Durations.Describe(waited)} after its first file arrived; the folder was given {Durations.Describe(options.IncompleteFolderWait)} to complete.",
            cancellationToken).ConfigureAwait(false);
    }

    private async Task<RegistrationOutcome> RegisterModelFileAsync(Attempt attempt, ModelManifest manifest, CancellationToken cancellationToken)
    {
        var folder = attempt.Folder;
        var modelPath = folder.File(manifest.ModelFile);
        var modelBlob = await models.GetPropertiesAsync(modelPath, cancellationToken).ConfigureAwait(false);
        attempt.ModelETag = null; // from here on the outcome depends on the model file
        attempt.ModelFile = manifest.ModelFile;
        if (modelBlob is null)
        {
            return await WaitOrFailAsync(attempt, attempt.Manifest.LastModified, $"Model file '{manifest.ModelFile}' is not in {folder.Prefix}", cancellationToken).ConfigureAwait(false);
        }

        attempt.ModelETag = modelBlob.ETag.ToString();
        if (manifest.ModelSize is { } declared && modelBlob.Size != declared)
        {
            var sizes = string.Create(CultureInfo.InvariantCulture, $"Model file '{manifest.ModelFile}' has {modelBlob.Size:N0} bytes; the manifest declares {declared:N0}");
            return modelBlob.Size < declared
                ? await WaitOrFailAsync(attempt, Max(attempt.Manifest.LastModified, modelBlob.LastModified), sizes, cancellationToken).ConfigureAwait(false)
                : await FailAsync(attempt, sizes + ".", cancellationToken).ConfigureAwait(false);
        }

        if (modelBlob.Size == 0)
        {
            return await FailAsync(attempt, $"Model file '{manifest.ModelFile}' is empty (0 bytes).", cancellationToken).ConfigureAwait(false);
        }

        if (await CheckWarmUpAsync(attempt, manifest, cancellationToken).ConfigureAwait(false) is { } notReady)
        {
            return notReady;
        }

        var workFile = work.NewFile(".onnx");
        try
        {
            if (await models.DownloadAndHashAsync(modelPath, workFile, cancellationToken).ConfigureAwait(false) is not var (sha256, size))
            {
                return Outcome(folder, RegistrationStatus.Pending, $"Model file '{manifest.ModelFile}' disappeared while being read; it will be checked again.");
            }

            attempt.Sha256 = sha256;
            if (manifest.ModelSha256 is { } declaredSha && declaredSha != sha256)
            {
                return await FailAsync(attempt, $"Model file '{manifest.ModelFile}' has SHA-256 {sha256}; the manifest declares {declaredSha}.", cancellationToken).ConfigureAwait(false);
            }

            if (attempt.Existing is { } existing && RegistryRows.ToVersion(existing).Status != ModelVersionStatus.Failed)
            {
                // A version registered before registration kept copies gets them now, from the content it was registered with.
                return LacksCopies(existing) && IsSameContent(attempt, existing)
                    ? await CopyAsync(attempt, manifest, workFile, cancellationToken).ConfigureAwait(false)
                        ?? await RecordCopiesAsync(attempt, existing, cancellationToken).ConfigureAwait(false)
                    : await SameOrRefuseAsync(attempt, existing, cancellationToken).ConfigureAwait(false);
            }

            var (signature, problem) = await ReadSignatureAsync(workFile, manifest, cancellationToken).ConfigureAwait(false);
            if (signature is null)
            {
                return await FailAsync(attempt, problem!, cancellationToken).ConfigureAwait(false);
            }

            if (await CopyAsync(attempt, manifest, workFile, cancellationToken).ConfigureAwait(false) is { } notCopied)
            {
                return notCopied;
            }

            var now = time.GetUtcNow();
            var info = new ModelVersionInfo(folder.Model, folder.Version, ModelVersionStatus.Registered, sha256, size, manifest.ModelFile, signature,
                [], manifest.Lineage is null ? null : JsonSerializer.Serialize(manifest.Lineage, RegistryRows.Json), null, [], now, now);
            var recorded = await RecordAsync(attempt, info, cancellationToken).ConfigureAwait(false);
            if (recorded is not null)
            {
                return recorded;
            }

            var job = manifest.Validation is null ? null : ValidateJob(folder, sha256);
            return Outcome(folder, RegistrationStatus.Registered,
                $"{folder.Model} {folder.Version} registered (sha256 {sha256[..12]}…, {size:N0} bytes){(job is null ? "." : "; validation requested.")}", job);
        }
        finally
        {
            File.Delete(workFile);
        }
    }

    /// <summary>
    /// The warm-up example is a file of the folder like the model file: until it is there the folder is incomplete
    /// (pending, then failed once the wait runs out). A file that is not an inference request at all (not JSON, no
    /// "inputs" list of objects with name, shape, datatype and data) fails the version with a reason naming it: that is
    /// an upload mistake, cheap to tell without the model, and the upload's answer is where a person sees it. Whether
    /// the request fits the model is not judged here: the model is fine either way, the version registers, and a
    /// request that does not fit is the version's warm-up problem when it loads, told by the protocol reader that
    /// judges every client's request (in Cloud.Serving). Null when there is no example or it has the right shape.
    /// </summary>
    private async Task<RegistrationOutcome?> CheckWarmUpAsync(Attempt attempt, ModelManifest manifest, CancellationToken cancellationToken)
    {
        if (manifest.WarmUp is not { } warmUp)
        {
            return null;
        }

        var read = await WarmUpExample.ReadAsync(models, attempt.Folder.File(warmUp), cancellationToken).ConfigureAwait(false);
        var problem = read is null ? null : read.Value.Problem ?? WarmUpExample.ShapeProblem(read.Value.Content);
        if (read is not null && problem is null)
        {
            attempt.WarmUpBytes = read.Value.Content;
            return null;
        }

        // The row keeps no ETag of this file, so the outcome is recorded as not settled by the model file alone (as
        // when the model file is missing): the next event for the folder looks again, and a corrected warm-up file
        // registers the version without a new model.json.
        attempt.ModelETag = null;
        return read is null
            ? await WaitOrFailAsync(attempt, attempt.Manifest.LastModified, $"Warm-up file '{warmUp}' is not in {attempt.Folder.Prefix}", cancellationToken).ConfigureAwait(false)
            : await FailAsync(attempt,
                $"Warm-up file '{warmUp}' is not an inference request: {problem}. It must hold one Open Inference Protocol v2 request body, {{\"inputs\": [{{\"name\": ..., \"shape\": [...], \"datatype\": ..., \"data\": [...]}}]}}, as a client would send it.",
                cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Copies the files the version serves from into the registered container: the bytes this attempt hashed and checked,
    /// from the work file and from memory, so the copies are exactly what the row records (<see cref="Attempt.Files"/>).
    /// The validation dataset is a file of the folder like the model file (evaluation and the warm-up read it): until it is
    /// there the folder is incomplete. Null when everything is copied, else the outcome.
    /// </summary>
    private async Task<RegistrationOutcome?> CopyAsync(Attempt attempt, ModelManifest manifest, string modelWorkFile, CancellationToken cancellationToken)
    {
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        if (manifest.Validation?.Dataset is { } dataset)
        {
            var datasetWorkFile = work.NewFile(".data");
            try
            {
                if (await models.DownloadAndHashAsync(attempt.Folder.File(dataset), datasetWorkFile, cancellationToken).ConfigureAwait(false) is not var (datasetSha, _))
                {
                    // Not settled by the model file alone (as for a missing warm-up example): the next event looks again.
                    attempt.ModelETag = null;
                    return await WaitOrFailAsync(attempt, attempt.Manifest.LastModified, $"Validation dataset '{dataset}' is not in {attempt.Folder.Prefix}", cancellationToken).ConfigureAwait(false);
                }

                await content.PutFileAsync(datasetSha, datasetWorkFile, cancellationToken).ConfigureAwait(false);
                files[dataset] = datasetSha;
            }
            finally
            {
                File.Delete(datasetWorkFile);
            }
        }

        // From the work copy registration already holds: the bytes hashed and inspected, not the blob as it is now.
        await content.PutFileAsync(attempt.Sha256!, modelWorkFile, cancellationToken).ConfigureAwait(false);
        files[manifest.ModelFile] = attempt.Sha256!;
        await content.PutBytesAsync(attempt.ManifestSha256!, attempt.ManifestBytes!, cancellationToken).ConfigureAwait(false);
        files[ModelManifest.FileName] = attempt.ManifestSha256!;
        if (manifest.WarmUp is { } warmUp)
        {
            var warmUpSha = Convert.ToHexStringLower(SHA256.HashData(attempt.WarmUpBytes!));
            await content.PutBytesAsync(warmUpSha, attempt.WarmUpBytes!, cancellationToken).ConfigureAwait(false);
            files[warmUp] = warmUpSha;
        }

        attempt.Files = files;
        return null;
    }

    private async Task<RegistrationOutcome> RecordCopiesAsync(Attempt attempt, TableEntity existing, CancellationToken cancellationToken)
    {
        try
        {
            await registry.RecordFilesAsync(existing, attempt.Files!, cancellationToken).ConfigureAwait(false);
        }
        catch (Cloud.Storage.StorageConflictException)
        {
            // The row changed meanwhile (a label move, another event copying too): decide against it as it is now.
            return await AgainstCurrentAsync(attempt, cancellationToken).ConfigureAwait(false);
        }

        return Unchanged(attempt.Folder, existing, $"{attempt.Folder.Model} {attempt.Folder.Version} is already registered with this content; its files were copied for serving.");
    }

    /// <summary>Reads the ONNX header (cheap, streaming), then has ORT load the model to read its signature.</summary>
    private async Task<(ModelSignature? Signature, string? Problem)> ReadSignatureAsync(string workFile, ModelManifest manifest, CancellationToken cancellationToken)
    {
        OnnxModelHeader header;
        try
        {
            await using var stream = File.OpenRead(workFile);
            header = OnnxModelHeader.Read(stream);
        }
        catch (InvalidDataException error)
        {
            return (null, $"Model file '{manifest.ModelFile}' is not an ONNX model: {error.Message}");
        }

        var inspection = await _inspector.InspectAsync(workFile, cancellationToken).ConfigureAwait(false);
        if (inspection.Problem is not null)
        {
            var problem = OrtErrors.NamingUserFile(inspection.Problem, workFile, manifest.ModelFile);
            return (null, $"ONNX Runtime {OrtEnv.Instance().GetVersionString()} cannot load model file '{manifest.ModelFile}': {problem}");
        }

        var disagreement = ManifestAgreesWithModel(manifest, inspection.Inputs!);
        return disagreement is not null ? (null, disagreement) : (new ModelSignature(inspection.Inputs!, inspection.Outputs!, header.IrVersion, header.Opsets,
            $"{header.ProducerName} {header.ProducerVersion}".Trim()), null);
    }

    private static string? ManifestAgreesWithModel(ModelManifest manifest, IReadOnlyList<TensorSignature> inputs)
    {
        foreach (var (inputName, spec) in manifest.Inputs)
        {
            var input = inputs.FirstOrDefault(i => i.Name == inputName);
            if (input is null)
            {
                return $"The manifest describes input '{inputName}', but the model's inputs are: {string.Join(", ", inputs.Select(i => i.Name))}.";
            }

            var width = input.Shape.Count > 0 ? input.Shape[^1] : 1;
            if (width >= 0 && spec.FeatureNames.Count != width)
            {
                return $"The manifest names {spec.FeatureNames.Count} features for input '{inputName}', but the model takes {width} ({input.ElementType}[{string.Join(",", input.Shape)}]).";
            }
        }

        return null;
    }

    private async Task<RegistrationOutcome?> RecordAsync(Attempt attempt, ModelVersionInfo info, CancellationToken cancellationToken)
    {
        try
        {
            return await RecordOrCompareAsync(attempt, info, cancellationToken).ConfigureAwait(false);
        }
        catch (RegistryException tooLarge) when (tooLarge.Error == RegistryError.Invalid && info.Status != ModelVersionStatus.Failed)
        {
            // The record breaks a bound (a signature or lineage too large to keep): no retry can change that, so the
            // version fails with the reason rather than being tried again on every event (a failed row is small).
            return await FailAsync(attempt, tooLarge.Message, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<RegistrationOutcome?> RecordOrCompareAsync(Attempt attempt, ModelVersionInfo info, CancellationToken cancellationToken)
    {
        if (attempt.Existing is { } failed)
        {
            try
            {
                await registry.ReplaceFailedAsync(failed, info, attempt.Source, cancellationToken).ConfigureAwait(false);
                return null;
            }
            catch (Cloud.Storage.StorageConflictException)
            {
                // Another event for this folder recorded something first; decide against what it wrote.
                return await AgainstCurrentAsync(attempt, cancellationToken).ConfigureAwait(false);
            }
        }

        return await registry.TryRecordNewAsync(info, attempt.Source, cancellationToken).ConfigureAwait(false)
            ? null
            : await AgainstCurrentAsync(attempt, cancellationToken).ConfigureAwait(false);
    }

    private async Task<RegistrationOutcome> AgainstCurrentAsync(Attempt attempt, CancellationToken cancellationToken)
    {
        var current = await registry.GetVersionRowAsync(attempt.Folder.Model, attempt.Folder.Version, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"{attempt.Folder.Prefix} was recorded and then vanished.");
        return await SameOrRefuseAsync(attempt, current, cancellationToken).ConfigureAwait(false);
    }

    private async Task<RegistrationOutcome> SameOrRefuseAsync(Attempt attempt, TableEntity existing, CancellationToken cancellationToken)
    {
        if (IsSameContent(attempt, existing))
        {
            return Unchanged(attempt.Folder, existing, $"{attempt.Folder.Model} {attempt.Folder.Version} is already registered with this content.");
        }

        return await RefuseAsync(attempt, existing.Get<string>("Sha256") != attempt.Sha256 && attempt.Sha256 is not null
            ? $"a different model file (sha256 {attempt.Sha256}) was uploaded"
            : $"a changed {ModelManifest.FileName} was uploaded", cancellationToken).ConfigureAwait(false);
    }

    private static bool IsSameContent(Attempt attempt, TableEntity existing) =>
        existing.Get<string>("Sha256") == attempt.Sha256
        && (existing.Get<string>("ManifestSha256") is not { } recordedManifestSha || recordedManifestSha == attempt.ManifestSha256);

    /// <summary>A version that serves (or served) but has no registered copies: registered before registration kept them.</summary>
    private static bool LacksCopies(TableEntity row) =>
        RegistryRows.ToVersion(row).Status != ModelVersionStatus.Failed && RegistryRows.FilesOf(row) is null;

    private async Task<RegistrationOutcome> RefuseAsync(Attempt attempt, string what, CancellationToken cancellationToken)
    {
        var reason = $"Refused: {what} under existing version {attempt.Folder.Version}; versions are immutable, so upload it as a new version.";
        await registry.AddRefusalAsync(attempt.Folder.Model, attempt.Folder.Version, reason, cancellationToken).ConfigureAwait(false);
        return Outcome(attempt.Folder, RegistrationStatus.Refused, reason);
    }

    private async Task<RegistrationOutcome> WaitOrFailAsync(Attempt attempt, DateTimeOffset since, string why, CancellationToken cancellationToken)
    {
        var waited = time.GetUtcNow() - since;
        return waited < options.IncompleteFolderWait
            ? Outcome(attempt.Folder, RegistrationStatus.Pending,
                $"{why}; waiting for the upload to finish (up to {Durations.Describe(options.IncompleteFolderWait)} after {ModelManifest.FileName} arrived, {Durations.Describe(waited)} so far).")
            : await FailAsync(attempt,
                $"{why} {Durations.Describe(waited)} after {ModelManifest.FileName} was uploaded; the folder was given {Durations.Describe(options.IncompleteFolderWait)} to complete.",
                cancellationToken).ConfigureAwait(false);
    }

    private async Task<RegistrationOutcome> FailAsync(Attempt attempt, string reason, CancellationToken cancellationToken)
    {
        // A manifest can have a problem on every one of its 64 KiB; the row keeps the first and says how many more,
        // and the outcome says what the row says.
        reason = RecordLimits.Shorten(reason, RecordLimits.MaxRecordedReasonLength);
        if (attempt.Existing is { } existing && RegistryRows.ToVersion(existing).Status != ModelVersionStatus.Failed)
        {
            // A registered version is never turned into a failed one by a later bad upload: refuse and record it.
            return await RefuseAsync(attempt, $"an unusable upload ({reason})", cancellationToken).ConfigureAwait(false);
        }

        var now = time.GetUtcNow();
        var info = new ModelVersionInfo(attempt.Folder.Model, attempt.Folder.Version, ModelVersionStatus.Failed, attempt.Sha256, null, attempt.ModelFile, null, [], null, reason, [], now, now);
        var recorded = await RecordAsync(attempt, info, cancellationToken).ConfigureAwait(false);
        return recorded ?? Outcome(attempt.Folder, RegistrationStatus.Failed, reason);
    }

    private async Task<bool> IsSameBlobsAsync(ModelFolderPath folder, TableEntity existing, BlobProperties manifestBlob, CancellationToken cancellationToken)
    {
        if (existing.Get<string>("ManifestETag") != manifestBlob.ETag.ToString())
        {
            return false;
        }

        // A row whose outcome did not depend on the model file (e.g. an invalid manifest) is settled by the
        // manifest alone; one recorded while the model file was missing has no model ETag and is looked at again.
        var modelETag = existing.Get<string>("ModelETag");
        var modelFile = existing.Get<string>("ModelFile");
        if (modelETag == SourceBlobs.NotNeeded || modelETag is null || modelFile is null)
        {
            return modelETag == SourceBlobs.NotNeeded;
        }

        var modelBlob = await models.GetPropertiesAsync(folder.File(modelFile), cancellationToken).ConfigureAwait(false);
        return modelBlob?.ETag.ToString() == modelETag;
    }

    /// <summary>
    /// The answer for a folder whose content is already recorded, taken from the record as it stands (never from the
    /// path that led here): a failed record answers with its failure; a registered one is "unchanged" — and, when its
    /// manifest asked for validation, names the validate job again, so that a retry after a failed enqueue (the queue
    /// was down) still queues it. The job id is the same every time, so the queue keeps one.
    /// </summary>
    private static RegistrationOutcome Unchanged(ModelFolderPath folder, TableEntity row, string message)
    {
        var recorded = RegistryRows.ToVersion(row);
        if (recorded.Status == ModelVersionStatus.Failed)
        {
            return Outcome(folder, RegistrationStatus.Failed, recorded.FailureReason ?? $"{folder.Model} {folder.Version} is recorded as failed.");
        }

        return Outcome(folder, RegistrationStatus.Unchanged, message,
            RegistryRows.SourceOf(row) is { ValidationRequested: true } && recorded.Sha256 is { } sha ? ValidateJob(folder, sha) : null);
    }

    private static JobMessage ValidateJob(ModelFolderPath folder, string sha256) =>
        new(JobIds.Create(sha256[..12], JobKinds.Validate, folder.Model, folder.Version), JobKinds.Validate, folder.Model, folder.Version, null, 1);

    private static RegistrationOutcome Outcome(ModelFolderPath folder, RegistrationStatus status, string message, JobMessage? job = null) =>
        new(status, message, folder.Model, folder.Version, job);

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignored blob {BlobPath}: {Reason}")]
    private partial void LogIgnored(string blobPath, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Registration of {Model} {Version}: {Status}. {Detail}")]
    private partial void LogOutcome(string model, string version, RegistrationStatus status, string detail);

    /// <summary>What is known so far about the folder being registered.</summary>
    private sealed class Attempt(ModelFolderPath folder, TableEntity? existing, BlobProperties? manifest)
    {
        public ModelFolderPath Folder { get; } = folder;

        public TableEntity? Existing { get; } = existing;

        public BlobProperties Manifest => manifest ?? throw new InvalidOperationException("This attempt has no model.json.");

        public string? ManifestSha256 { get; set; }

        public string? ModelETag { get; set; }

        public string? Sha256 { get; set; }

        public string? ModelFile { get; set; }

        public bool ValidationRequested { get; set; }

        /// <summary>model.json as read and hashed: what its registered copy holds.</summary>
        public byte[]? ManifestBytes { get; set; }

        /// <summary>The warm-up example as read and checked, when the manifest names one.</summary>
        public byte[]? WarmUpBytes { get; set; }

        /// <summary>The registered copies, once made (<see cref="CopyAsync"/>).</summary>
        public IReadOnlyDictionary<string, string>? Files { get; set; }

        public SourceBlobs Source => new(manifest?.ETag.ToString(), ManifestSha256, ModelETag, ValidationRequested, Files);
    }
}
