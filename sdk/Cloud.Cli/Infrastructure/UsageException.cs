namespace Cloud.Cli.Infrastructure;

/// <summary>The command line or a local file is wrong; the message says what and how to fix it (exit code 2).</summary>
internal sealed class UsageException(string message) : Exception(message);
