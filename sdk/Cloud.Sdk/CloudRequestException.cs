using System.Net;

namespace Cloud.Sdk;

/// <summary>
/// The server answered a request with an error. <see cref="Exception.Message"/> is the server's own sentence (its
/// <c>{"error": ...}</c>), which names the problem and the fix; <see cref="Status"/> says what kind of problem it is.
/// </summary>
public sealed class CloudRequestException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CloudRequestException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public CloudRequestException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the failure behind it.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The failure behind it.</param>
    public CloudRequestException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for an answer.</summary>
    /// <param name="status">The HTTP status.</param>
    /// <param name="message">The server's error message.</param>
    /// <param name="method">The request's method.</param>
    /// <param name="path">The request's path.</param>
    public CloudRequestException(HttpStatusCode status, string message, string method, string path)
        : base(message)
    {
        Status = status;
        Method = method;
        Path = path;
    }

    /// <summary>The HTTP status of the answer.</summary>
    public HttpStatusCode Status { get; }

    /// <summary>How long the server asked to wait before trying again (gRPC's retry-after trailer or a stream answer's retry_after), when it said.</summary>
    internal TimeSpan? RetryAfter { get; init; }

    /// <summary>The request's method (GET, PUT, ...).</summary>
    public string? Method { get; }

    /// <summary>The request's path, such as <c>/api/models/iris</c>.</summary>
    public string? Path { get; }
}
