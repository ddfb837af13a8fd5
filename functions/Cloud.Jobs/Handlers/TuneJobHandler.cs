using System.Globalization;
using System.Text;
using System.Text.Json;
using Cloud.Jobs.Evaluation;
using Cloud.Jobs.Ledger;
using Cloud.Jobs.Runner;
using Cloud.Jobs.Training;
using Cloud.Jobs.Tuning;
using Cloud.Sdk.Jobs;
using Cloud.Sdk.Manifests;
using Cloud.Storage.Blobs;

namespace Cloud.Jobs.Handlers;

/// <summary>
/// The tune job (docs/jobs.md, "Tune"): a train job's fields plus a search space, a metric, a budget and a strategy.
/// It prepares once (dataset, parent, command), runs one trainer per trial with the trial's hyper-parameters, ranks
/// each trial's model on the validation dataset its manifest names with the validation library, keeps every trial's
/// record, curve and model folder beside the job (trials are never versions and never reach promotion), and publishes
/// the best trial's folder as one new version, with the winning hyper-parameters as its lineage — registration and
/// validation follow as for a train job.
/// </summary>
/// <remarks>
/// Safe to run twice for one job: the draws are seeded (the same trials run again), the version is allocated per job
/// id, and a run that finds its version uploaded returns at once.
/// </remarks>
internal sealed partial class TuneJobHandler(TrainingSteps steps, IBlobStore jobFiles, ValidationOptions validation, TimeProvider time) : IJobHandler
{
    /// <summary>The spec's fields that are the search's; the rest are a train job's, shared by every trial.</summary>
    private static readonly HashSet<string> TuneFields = new(StringComparer.Ordinal) { "space", "metric", "budget", "strategy", "seed" };

    private static readonly JsonSerializerOptions RecordJson = new(JsonSerializerDefaults.Web);

    public string Kind => JobKinds.Tune;

    public string? Check(JobMessage message)
    {
        try
        {
            Read(message);
            return null;
        }
        catch (JobFailedException problem)
        {
            return problem.Message;
        }
    }

    public static string TrialsPath(string id) => JobFiles.TrialsPath(id);

    public async Task<JobResult> RunAsync(JobContext context, CancellationToken cancellationToken)
    {
        var (train, tune) = Read(context.Message);
        var id = context.Message.Id;
        if (await steps.UploadedEarlierAsync(train.Model, id, cancellationToken).ConfigureAwait(false) is { } earlier)
        {
            return new JobResult($"{train.Model} {earlier} was uploaded by an earlier run of this job; registration and validation follow");
        }

        var prepared = await steps.PrepareAsync(train, Path.Combine(context.WorkDirectory, "shared"), context.Log, cancellationToken).ConfigureAwait(false);
        var tuner = new Tuner(tune, prepared.HyperParameters.Values, time);
        var space = string.Join("; ", tune.Space.Select(p => p.Describe())); // once per job
        LogSearching(context.Log, tune.Budget.Trials, tune.Strategy.Name, tune.Metric.Name, space);

        var history = new StringBuilder();
        var finished = new Dictionary<int, (TrainedFolder Folder, HyperParameters HyperParameters)>();
        var result = await tuner.RunAsync(
            (trial, token) => RunTrialAsync(trial, prepared, tune, id, context, finished, token),
            record => Record(record, history, context.Log),
            cancellationToken).ConfigureAwait(false);
        await jobFiles.PutAsync(TrialsPath(id), new MemoryStream(Encoding.UTF8.GetBytes(history.ToString())), cancellationToken: CancellationToken.None).ConfigureAwait(false);

        if (result.Best is not { } best)
        {
            var first = result.Trials.FirstOrDefault(t => t.Error is not null)?.Error ?? "no trial ran";
            throw new JobFailedException(string.Create(CultureInfo.InvariantCulture, $"No trial of {result.Trials.Count} succeeded; the first error: {first}"));
        }

        var (folder, hyperParameters) = finished[best.Number];
        var lineage = new TrainLineage(string.Join(' ', train.Command), train.Dataset, prepared.DatasetSha256, id, train.Parent, hyperParameters);
        var (version, _) = await steps.PublishAsync(prepared, folder, lineage, context.Log, cancellationToken).ConfigureAwait(false);
        return new JobResult(string.Create(CultureInfo.InvariantCulture,
            $"Tuned {train.Model}: {result.Trials.Count} trials ({tune.Strategy.Name}{(result.TimeBudgetSpent ? ", time budget spent" : "")}), {result.Trials.Count(t => t.Metric is null)} failed; best trial {best.Number}, {tune.Metric.Name} {best.Metric:0.####} with {best.HyperParameters.ToJsonString()}; uploaded as {train.Model} {version}, registration and validation follow"));
    }

    /// <summary>One trial: the trainer in a folder of its own, its model measured on its validation data, its folder kept beside the job.</summary>
    private async Task<TrialResult> RunTrialAsync(Trial trial, PreparedTraining prepared, TuneSpec tune, string id, JobContext context,
        Dictionary<int, (TrainedFolder, HyperParameters)> finished, CancellationToken cancellationToken)
    {
        var owner = $"{id}/trials/{trial.Number.ToString(CultureInfo.InvariantCulture)}";
        try
        {
            var hyperParameters = prepared.HyperParameters.With(trial.HyperParameters, $"Trial {trial.Number}");
            var folders = prepared.Folders.ForRunIn(Path.Combine(context.WorkDirectory, "trials", trial.Number.ToString(CultureInfo.InvariantCulture)));
            await steps.RunAsync(prepared, folders, hyperParameters, owner, context.Log, cancellationToken).ConfigureAwait(false);
            var trained = TrainedFolder.Read(folders.Output);
            var lineage = new TrainLineage(string.Join(' ', prepared.Spec.Command), prepared.Spec.Dataset, prepared.DatasetSha256, id, prepared.Spec.Parent, hyperParameters);
            var metric = await MeasureAsync(trained, prepared, lineage, tune.Metric, cancellationToken).ConfigureAwait(false);
            await KeepAsync(trained, owner, cancellationToken).ConfigureAwait(false);
            lock (finished)
            {
                finished[trial.Number] = (trained, hyperParameters);
            }

            return new TrialResult(metric, null, $"{owner}/output/");
        }
        catch (Exception error) when (error is JobFailedException or EvaluationException or Microsoft.ML.OnnxRuntime.OnnxRuntimeException)
        {
            // A trial's failure is the trial's: recorded, ranked last; the search goes on.
            return TrialResult.Failed(error.Message);
        }
    }

    /// <summary>The trial's model on the validation dataset its manifest names, with the validation library (the ranking metric always computed).</summary>
    private async Task<double> MeasureAsync(TrainedFolder trained, PreparedTraining prepared, TrainLineage lineage, MetricDefinition metric, CancellationToken cancellationToken)
    {
        var read = ManifestReader.Read(trained.Manifest(prepared.Spec.Model, prepared.Spec.Version ?? "0.0.0", lineage, prepared.Columns));
        var folder = new ModelFolder(trained.Folder, read.Manifest!);
        var spec = folder.Manifest.Validation
            ?? throw new EvaluationException($"The trainer's model.json has no \"validation\" section; a tune job ranks trials on the validation dataset it names.");
        spec = spec.Metrics.Contains(metric.Name) ? spec : spec with { Metrics = [.. spec.Metrics, metric.Name] };
        using var model = ModelUnderTest.Load(folder.ModelPath, folder.Manifest, folder.Name, validation);
        var (content, path) = folder.OpenDataset(); // the spec's dataset is the manifest's: only the metric was added
        var outcome = await DatasetValidation.RunAsync(content, Path.GetFileName(path), spec, model, null, validation, null, cancellationToken).ConfigureAwait(false);
        return outcome.Candidate.Metrics.TryGetValue(metric.Name, out var value) && double.IsFinite(value) ? value
            : throw new EvaluationException($"The trial's model has no finite {metric.Name} on its validation data ({string.Join("; ", outcome.Candidate.Notes)}).");
    }

    /// <summary>The trial's model folder beside the tune job: what a person inspects, never a version.</summary>
    private async Task KeepAsync(TrainedFolder trained, string owner, CancellationToken cancellationToken)
    {
        foreach (var file in trained.Files.Append(ModelManifest.FileName))
        {
            var content = File.OpenRead(trained.PathOf(file));
            await using (content.ConfigureAwait(false))
            {
                await jobFiles.PutAsync($"{owner}/output/{file}", content, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static void Record(TrialRecord record, StringBuilder history, ILogger log)
    {
        lock (history)
        {
            history.Append(JsonSerializer.Serialize(record, RecordJson)).Append('\n');
        }

        if (record.Metric is { } metric)
        {
            LogTrial(log, record.Number, record.Rung, record.HyperParameters, metric);
        }
        else
        {
            LogTrialFailed(log, record.Number, record.Rung, record.HyperParameters, record.Error ?? "");
        }
    }

    /// <summary>The train part (every field but the search's, read as a train job's) and the search part of a tune job's spec.</summary>
    internal static (TrainSpec Train, TuneSpec Tune) Read(JobMessage message)
    {
        if (message.Spec is not { ValueKind: JsonValueKind.Object } spec)
        {
            throw new JobFailedException("A tune job needs a spec: a train job's fields (\"command\", \"dataset\", ...) and the search's (\"space\", \"metric\", and optionally \"budget\", \"strategy\", \"seed\").");
        }

        using var trainPart = JsonDocument.Parse(JsonSerializer.Serialize(spec.EnumerateObject().Where(p => !TuneFields.Contains(p.Name)).ToDictionary(p => p.Name, p => p.Value)));
        var train = TrainSpec.Parse(message with { Spec = trainPart.RootElement.Clone() });
        var (tune, problem) = TuneSpec.Read(spec);
        return tune is null ? throw new JobFailedException($"A tune job's search is not usable:\n{problem}") : (train, tune);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Searching {Trials} configurations ({Strategy}) for the best {Metric} over: {Space}")]
    private static partial void LogSearching(ILogger log, int trials, string strategy, string metric, string space);

    [LoggerMessage(Level = LogLevel.Information, Message = "Trial {Number} (rung {Rung}) {HyperParameters}: {Metric}")]
    private static partial void LogTrial(ILogger log, int number, int rung, System.Text.Json.Nodes.JsonObject hyperParameters, double metric);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Trial {Number} (rung {Rung}) {HyperParameters} failed: {Error}")]
    private static partial void LogTrialFailed(ILogger log, int number, int rung, System.Text.Json.Nodes.JsonObject hyperParameters, string error);
}
