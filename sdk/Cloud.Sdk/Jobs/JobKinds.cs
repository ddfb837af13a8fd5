namespace Cloud.Sdk.Jobs;

/// <summary>The kinds of job the runner knows.</summary>
public static class JobKinds
{
    /// <summary>Measures a model version on its validation dataset and marks it validated or rejected.</summary>
    public const string Validate = "validate";

    /// <summary>Reports what the worker that takes it has, and holds it for <c>spec.seconds</c>: checks a worker deployment without a model.</summary>
    public const string Probe = "probe";

    /// <summary>
    /// Judges a canary after its soak window (the manifest's <c>promotion.afterSoak</c>): compares its error rate and
    /// latency with the version under <c>compareWith</c> and promotes it when no worse. Queued by the validate job.
    /// </summary>
    public const string Promote = "promote";

    /// <summary>
    /// Runs a trainer on a dataset and uploads its output as a new version of the model (named by <c>spec.version</c>, or
    /// the next patch), with lineage; the job's version, when given, is the parent version the trainer starts from.
    /// </summary>
    public const string Train = "train";

    /// <summary>
    /// Searches hyper-parameters: runs the trainer once per trial (random search or successive halving), ranks the trials
    /// on their validation data, and uploads the best as one new version; trials stay with the job.
    /// </summary>
    public const string Tune = "tune";
}
