namespace Cloud.Cli.Infrastructure;

/// <summary>A followed job ended without succeeding (exit code 6).</summary>
internal sealed class JobFailedException(string message) : Exception(message);
