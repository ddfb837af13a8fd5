using System.Globalization;
using Cloud.Jobs.Evaluation;
using Cloud.Jobs.Runner;
using Cloud.Sdk.Manifests;
using Cloud.Sdk.Registry;
using Cloud.Storage.Blobs;
using Microsoft.ML.OnnxRuntime;

namespace Cloud.Jobs.Validation;

/// <summary>
/// Validates a classifier with <see cref="ClassifierEvaluator"/>: the version's manifest, model file and validation
/// dataset are downloaded from the models container into the run's folder (the model file checked against the
/// registered SHA-256, so what is judged is what was registered), then accuracy is measured against its threshold.
/// </summary>
internal sealed partial class ClassifierVersionValidator(IBlobStore models) : IVersionValidator
{
    public async Task<VersionValidation> ValidateAsync(ModelVersionInfo version, JobContext context, CancellationToken cancellationToken)
    {
        var folder = $"{version.Model}/{version.Version}";
        var directory = Path.Combine(context.WorkDirectory, "folder");
        await DownloadAsync($"{folder}/{ModelManifest.FileName}", Path.Combine(directory, ModelManifest.FileName), cancellationToken).ConfigureAwait(false);
        ModelFolder local;
        try
        {
            local = ModelFolder.Load(directory);
        }
        catch (EvaluationException error)
        {
            throw new JobFailedException(error.Message, error);
        }

        var validation = local.Manifest.Validation ?? throw new JobFailedException($"{folder}/{ModelManifest.FileName} has no \"validation\" section; there is nothing to validate against.");
        var sha256 = await DownloadAsync($"{folder}/{local.Manifest.ModelFile}", local.ModelPath, cancellationToken).ConfigureAwait(false);
        if (version.Sha256 is { } registered && !string.Equals(sha256, registered, StringComparison.Ordinal))
        {
            throw new JobFailedException($"{folder}/{local.Manifest.ModelFile} has SHA-256 {sha256}, not the {registered} registered: the folder changed since registration.");
        }

        await DownloadAsync($"{folder}/{validation.Dataset}", Path.Combine(directory, validation.Dataset), cancellationToken).ConfigureAwait(false);
        LogEvaluating(context.Log, version.Model, version.Version, validation.Dataset);

        // Evaluation is CPU-bound and synchronous; the token is honoured before it starts.
        cancellationToken.ThrowIfCancellationRequested();
        ClassificationReport report;
        try
        {
            using var session = new InferenceSession(local.ModelPath);
            report = ClassifierEvaluator.Evaluate(local, session);
        }
        catch (Exception error) when (error is EvaluationException or OnnxRuntimeException)
        {
            throw new JobFailedException(error.Message, error);
        }

        var accuracy = report.Accuracy.ToString("0.####", CultureInfo.InvariantCulture);
        var reason = report.AccuracyThreshold is not { } threshold
            ? $"accuracy {accuracy} ({report.Correct}/{report.Rows}); no threshold set"
            : string.Create(CultureInfo.InvariantCulture,
                $"accuracy {accuracy} ({report.Correct}/{report.Rows}) {(report.MeetsThreshold ? "meets" : "is below")} the threshold {threshold}");
        LogMeasured(context.Log, version.Model, version.Version, reason);
        return new VersionValidation(report.MeetsThreshold, reason, validation.Dataset, new Dictionary<string, double> { ["accuracy"] = report.Accuracy });
    }

    /// <summary>Downloads one file of the folder; its SHA-256. A missing file fails the job: a retry would find it missing too.</summary>
    private async Task<string> DownloadAsync(string path, string file, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        var downloaded = await models.DownloadAndHashAsync(path, file, cancellationToken).ConfigureAwait(false)
            ?? throw new JobFailedException($"{path} is not in {models.Description}.");
        return downloaded.Sha256;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Evaluating {Model} {Version} on {Dataset}")]
    private static partial void LogEvaluating(ILogger log, string model, string version, string dataset);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Model} {Version}: {Result}")]
    private static partial void LogMeasured(ILogger log, string model, string version, string result);
}
