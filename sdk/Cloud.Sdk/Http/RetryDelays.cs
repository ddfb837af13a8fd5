using System.Net;
using System.Net.Http.Headers;

namespace Cloud.Sdk.Http;

/// <summary>How long to wait before the next attempt, from the answer's Retry-After or a jittered exponential backoff.</summary>
internal static class RetryDelays
{
    public static bool IsRetryable(HttpStatusCode status) => status is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable;

    /// <summary>
    /// Retry-After is a floor, never shortened: the server said when it expects room. Up to 10 % is added so that the
    /// many clients a full queue turned away at once do not all come back in the same millisecond. Without it, the
    /// backoff doubles per attempt with "equal jitter" (half fixed, half random), which spreads clients the same way.
    /// </summary>
    public static TimeSpan Next(RetryConditionHeaderValue? retryAfter, int attempt, CloudRetryOptions options, DateTimeOffset now)
    {
        var random = Random.Shared.NextDouble();
        TimeSpan wait;
        if (ServerDelay(retryAfter, now) is { } server)
        {
            wait = server + (server * 0.1 * random);
        }
        else
        {
            var backoff = options.Delay * Math.Pow(2, Math.Min(attempt, 16));
            wait = (backoff / 2) + (backoff / 2 * random);
        }

        return wait < options.MaxDelay ? wait : options.MaxDelay;
    }

    private static TimeSpan? ServerDelay(RetryConditionHeaderValue? retryAfter, DateTimeOffset now) => retryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date > now ? date - now : TimeSpan.Zero,
        _ => null,
    };
}
