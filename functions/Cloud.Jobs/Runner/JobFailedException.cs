namespace Cloud.Jobs.Runner;

/// <summary>
/// A job failed in a way that retrying cannot fix (a missing dataset, a version that is not there): the job is marked
/// failed at once with this message, which says why in terms a person can act on.
/// </summary>
internal sealed class JobFailedException(string message, Exception? inner = null) : Exception(message, inner);
