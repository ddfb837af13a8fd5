using System.Net;
using Cloud.Sdk;
using Spectre.Console.Cli;

namespace Cloud.Cli.Infrastructure;

/// <summary>Turns a failure into one line on stderr and the documented exit code.</summary>
internal static class ErrorReport
{
    public static int Write(Exception error, CliEnvironment environment)
    {
        var (code, message) = Describe(error);
        environment.Error.WriteLine($"error: {message}");
        return code;
    }

    public static (int Code, string Message) Describe(Exception error) => error switch
    {
        CloudRequestException { Status: HttpStatusCode.NotFound } e => (ExitCodes.NotFound, OneLine(e.Message)),
        CloudRequestException { Status: HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden } e =>
            (ExitCodes.Unauthorized, $"{OneLine(e.Message)} Pass the key with --admin-key or set CLOUD_ADMIN_KEY."),
        CloudRequestException { Status: >= HttpStatusCode.InternalServerError or HttpStatusCode.TooManyRequests } e =>
            (ExitCodes.Unavailable, $"{OneLine(e.Message)} (HTTP {(int)e.Status}, after retries)"),
        CloudRequestException e => (ExitCodes.Refused, OneLine(e.Message)),
        HttpRequestException or TimeoutException => (ExitCodes.Unavailable, OneLine(error.Message)),
        UsageException or FileNotFoundException or DirectoryNotFoundException or InvalidDataException or CommandAppException or FormatException =>
            (ExitCodes.Usage, OneLine(error.Message)),
        JobFailedException => (ExitCodes.JobFailed, OneLine(error.Message)),
        OperationCanceledException => (ExitCodes.Cancelled, "Cancelled."),
        _ => (ExitCodes.Refused, $"{OneLine(error.Message)} ({error.GetType().Name}; please report this if it persists)"),
    };

    /// <summary>
    /// Errors are one line so that scripts can log them as one; a multi-line reason (every problem of a manifest)
    /// keeps its first line and says how many more there are and where to read them.
    /// </summary>
    private static string OneLine(string message)
    {
        var lines = message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length switch
        {
            0 => message,
            1 => lines[0],
            _ => $"{lines[0]} {string.Join(" ", lines.Skip(1).Take(2))}{(lines.Length > 3 ? $" … and {lines.Length - 3} more (cloud models show MODEL VERSION lists them)" : "")}",
        };
    }
}
