namespace Cloud.Sdk.Jobs;

/// <summary>The kinds of job the runner knows.</summary>
public static class JobKinds
{
    /// <summary>Measures a model version on its validation dataset and marks it validated or rejected.</summary>
    public const string Validate = "validate";

    /// <summary>Reports what the worker that takes it has, and holds it for <c>spec.seconds</c>: checks a worker deployment without a model.</summary>
    public const string Probe = "probe";
}
