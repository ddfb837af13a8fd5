using Cloud.Registry.Datasets;
using Cloud.Registry.Onnx;
using Cloud.Sdk.Manifests;
using Microsoft.ML.OnnxRuntime;

namespace Cloud.Jobs.Evaluation;

/// <summary>
/// A model version being validated: its ORT session, the dataset columns each input takes, and the outputs read.
/// Runs go straight to <see cref="InferenceSession"/> over the batch's memory rather than through Cloud.Serving's
/// SessionRunner: Cloud.Jobs does not reference Cloud.Serving (the rooms are siblings above Cloud.Registry), and
/// SessionRunner's currency is the protocol codecs' tensors, which validation has no use for.
/// </summary>
internal sealed class ModelUnderTest : IDisposable
{
    private readonly InferenceSession _session;
    private readonly InputFeed[] _feeds;
    private readonly string[] _inputNames;
    private readonly RunOptions _runOptions = new();

    private ModelUnderTest(InferenceSession session, ModelManifest manifest, string name)
    {
        _session = session;
        Manifest = manifest;
        Name = name;
        if (manifest.Task is not (ModelTask.Classification or ModelTask.Regression))
        {
            throw new EvaluationException($"{name}: validation needs task 'classification' or 'regression'; model.json says '{manifest.Task.ToString().ToLowerInvariant()}'.");
        }

        if (manifest.Task == ModelTask.Classification && manifest.ClassNames.Count < 2)
        {
            throw new EvaluationException($"{name}: validating a classifier needs model.json's classNames, in the order of the model's class scores.");
        }

        Inputs = ModelNode.InputsOf(session);
        _feeds = [.. Inputs.Select(input => InputFeed.For(input, manifest.Inputs.GetValueOrDefault(input.Name)?.FeatureNames, name))];
        _inputNames = [.. _feeds.Select(feed => feed.Name)];
        Outputs = ModelNode.OutputsOf(session);
    }

    /// <summary>The model as messages name it, e.g. "iris 1.1.0".</summary>
    public string Name { get; }

    public ModelManifest Manifest { get; }

    public IReadOnlyList<ModelNode> Inputs { get; }

    public IReadOnlyList<ModelNode> Outputs { get; }

    /// <summary>Every dataset column the inputs take, in input order.</summary>
    public IEnumerable<string> FeatureColumns => _feeds.SelectMany(feed => feed.Columns);

    /// <summary>Rows one run may take: the batch, or 1 for a model whose batch dimension is fixed at 1.</summary>
    public int MaxRowsPerRun => _feeds.Length == 0 ? int.MaxValue : _feeds.Min(feed => feed.MaxRows);

    /// <summary>Loads the model file into a session with <paramref name="options"/>' threads.</summary>
    /// <exception cref="EvaluationException">The model cannot be validated as its manifest describes it.</exception>
    /// <exception cref="OnnxRuntimeException">ORT cannot load the file.</exception>
    public static ModelUnderTest Load(string modelFile, ModelManifest manifest, string name, ValidationOptions options)
    {
        using var sessionOptions = new Microsoft.ML.OnnxRuntime.SessionOptions { IntraOpNumThreads = options.SessionThreads };

        var session = new InferenceSession(modelFile, sessionOptions);
        try
        {
            return new ModelUnderTest(session, manifest, name);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>Finds each input's columns among the batch's, once before the first batch.</summary>
    public void Bind(IReadOnlyList<string> batchColumns, int batchCapacity)
    {
        foreach (var feed in _feeds)
        {
            feed.Bind(batchColumns, batchCapacity);
        }
    }

    /// <summary>Runs rows [start, start + count) of the batch and hands the outputs to <paramref name="metrics"/>.</summary>
    public void Run(DatasetBatch batch, int start, int count, ModelOutputs outputs, IMetricAccumulator metrics)
    {
        var values = new OrtValue[_feeds.Length];
        try
        {
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = _feeds[i].Value(batch, start, count);
            }

            using var results = _session.Run(_runOptions, _inputNames, values, outputs.Names);
            var scores = outputs.HasScores ? Scores(results[outputs.ScoreIndex], outputs, count) : default;
            var labels = outputs.LabelIndex >= 0 ? results[outputs.LabelIndex].GetTensorDataAsSpan<long>() : default;
            metrics.Add(batch, start, count, new Predictions(scores, outputs.ScoreWidth, labels));
        }
        finally
        {
            foreach (var value in values)
            {
                value?.Dispose();
            }
        }
    }

    public void Dispose()
    {
        _runOptions.Dispose();
        _session.Dispose();
    }

    // A free class dimension is only known at run time.
    private ReadOnlySpan<float> Scores(OrtValue value, ModelOutputs outputs, int count)
    {
        var scores = value.GetTensorDataAsSpan<float>();
        return scores.Length == count * outputs.ScoreWidth ? scores
            : throw new EvaluationException($"{Name}: output '{outputs.Names[outputs.ScoreIndex]}' gave {scores.Length} values for {count} rows; {outputs.ScoreWidth} per row were expected (one per class in classNames).");
    }
}
