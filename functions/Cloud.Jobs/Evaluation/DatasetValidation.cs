using Cloud.Registry.Datasets;
using Cloud.Sdk.Manifests;
using Cloud.Sdk.Registry;

namespace Cloud.Jobs.Evaluation;

/// <summary>
/// Validates a candidate (and its baseline, when it has one) on one dataset stream: one pass over the rows, each batch
/// run through both models, each model's metrics accumulated as it goes, then the thresholds judged. The baseline's
/// metrics therefore come from exactly the rows the candidate's do, read once.
/// </summary>
internal static class DatasetValidation
{
    /// <param name="dataset">The dataset's content; disposed here.</param>
    /// <param name="datasetName">The dataset as messages name it; its extension says the format.</param>
    /// <param name="spec">What to compute and the thresholds.</param>
    /// <param name="candidate">The version validated.</param>
    /// <param name="baseline">The version compared with, or null (a first version: value thresholds alone).</param>
    /// <param name="options">Batch size and read-ahead.</param>
    /// <param name="progress">Told the rows done after each batch.</param>
    /// <param name="cancellationToken">Stops the pass.</param>
    /// <exception cref="EvaluationException">The dataset or a model cannot be validated as described; the message says why and where.</exception>
    public static async Task<ValidationOutcome> RunAsync(
        Stream dataset,
        string datasetName,
        ValidationSpec spec,
        ModelUnderTest candidate,
        ModelUnderTest? baseline,
        ValidationOptions options,
        IProgress<long>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var task = candidate.Manifest.Task;
        foreach (var name in spec.Metrics)
        {
            // The manifest reader holds metrics to the task; a spec a job gives has had no such check.
            if (MetricDefinition.Find(name) is not { } metric || metric.Task != task)
            {
                throw new EvaluationException($"{candidate.Name} is a {Task(task)} model, and '{name}' is not one of its metrics ({string.Join(", ", MetricDefinition.For(task).Select(m => m.Name))}).");
            }
        }

        var classes = task == ModelTask.Classification ? candidate.Manifest.ClassNames : null;
        List<ModelUnderTest> models = baseline is null ? [candidate] : [candidate, baseline];
        var columns = new DatasetColumns(
            [.. models.SelectMany(model => model.FeatureColumns).Distinct(StringComparer.Ordinal)],
            spec.LabelColumn,
            classes,
            allowNonFinite: models.All(model => model.Manifest.AllowNonFinite));
        var runs = models.Select(model => Prepare(model, spec, candidate)).ToArray();
        foreach (var model in models)
        {
            model.Bind(columns.Features, options.BatchSize);
        }

        long rows;
        try
        {
            var reader = await DatasetReaders.OpenAsync(dataset, datasetName, columns, cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                rows = await BatchPipeline.RunAsync(reader, columns, options.BatchSize, options.BatchesInFlight, batch =>
                {
                    foreach (var (model, outputs, metrics) in runs)
                    {
                        for (var start = 0; start < batch.Count; start += model.MaxRowsPerRun)
                        {
                            model.Run(batch, start, Math.Min(model.MaxRowsPerRun, batch.Count - start), outputs, metrics);
                        }
                    }

                    progress?.Report(batch.FirstRow + batch.Count - 1);
                }, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (DatasetException error)
        {
            throw new EvaluationException(error.Message);
        }
        finally
        {
            await dataset.DisposeAsync().ConfigureAwait(false);
        }

        if (rows == 0)
        {
            throw new EvaluationException($"Dataset '{datasetName}' has no rows; validation needs at least one.");
        }

        var evaluations = runs.Select(run => Evaluation(run.Model, run.Outputs, run.Metrics.Finish(), spec)).ToArray();
        var failures = ThresholdJudge.Judge(spec, evaluations[0].Metrics, baseline is null ? null : evaluations[1].Metrics, baseline?.Manifest.Version.ToString());
        return new ValidationOutcome(
            failures.Count == 0 ? ModelVersionStatus.Validated : ModelVersionStatus.Rejected,
            datasetName,
            rows,
            evaluations[0],
            baseline is null ? null : evaluations[1],
            spec.BaselineLabel,
            failures);
    }

    private static (ModelUnderTest Model, ModelOutputs Outputs, IMetricAccumulator Metrics) Prepare(ModelUnderTest model, ValidationSpec spec, ModelUnderTest candidate)
    {
        var manifest = model.Manifest;
        if (manifest.Task != candidate.Manifest.Task)
        {
            throw new EvaluationException($"The baseline {model.Name} is a {Task(manifest.Task)} model and {candidate.Name} a {Task(candidate.Manifest.Task)} one; their metrics cannot be compared.");
        }

        if (manifest.Task == ModelTask.Regression)
        {
            return (model, ModelOutputs.ForRegressor(model.Outputs, model.Name), new RegressionAccumulator());
        }

        var logLoss = spec.Metrics.Contains(MetricDefinition.LogLoss.Name);
        var auc = spec.Metrics.Contains(MetricDefinition.Auc.Name);
        var outputs = ModelOutputs.ForClassifier(model.Outputs, manifest.ClassNames.Count, model.Name, scoresNeeded: logLoss || auc);
        return (model, outputs, new ClassificationAccumulator(model.Name, outputs, manifest.ClassNames, LabelMap(model, candidate), logLoss, auc));
    }

    /// <summary>Candidate class index → the baseline's, when the baseline lists the same classes in another order.</summary>
    private static int[]? LabelMap(ModelUnderTest model, ModelUnderTest candidate)
    {
        var own = model.Manifest.ClassNames;
        var theirs = candidate.Manifest.ClassNames;
        if (own.SequenceEqual(theirs, StringComparer.Ordinal))
        {
            return null;
        }

        if (own.Count != theirs.Count || own.Except(theirs, StringComparer.Ordinal).Any())
        {
            throw new EvaluationException($"The baseline {model.Name} has classes ({string.Join(", ", own)}) and {candidate.Name} has ({string.Join(", ", theirs)}); metrics over different classes cannot be compared.");
        }

        return [.. theirs.Select(name => own.ToList().IndexOf(name))];
    }

    private static ModelEvaluation Evaluation(ModelUnderTest model, ModelOutputs outputs, ModelMetrics metrics, ValidationSpec spec)
    {
        foreach (var name in spec.Metrics)
        {
            if (!metrics.Values.ContainsKey(name))
            {
                throw new EvaluationException($"{model.Name}: {name} could not be computed: {string.Join(" ", metrics.Notes)}");
            }
        }

        return new ModelEvaluation(model.Manifest.Name, model.Manifest.Version.ToString(), outputs.Description, metrics.Values, metrics.Classes, metrics.Notes);
    }

    private static string Task(ModelTask task) => task.ToString().ToLowerInvariant();
}
