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
}
