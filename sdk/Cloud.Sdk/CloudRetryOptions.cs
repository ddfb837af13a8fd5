namespace Cloud.Sdk;

/// <summary>
/// How a client retries answers that mean "not now" — 429 (a full batching queue) and 503 (a version loading,
/// memory held by other runs) — which the host sends with <c>Retry-After</c>. Nothing else is retried: every other
/// error is about the request and would be answered the same again.
/// </summary>
public sealed class CloudRetryOptions
{
    /// <summary>How many times one call is retried at most (default 5); 0 turns retries off.</summary>
    public int MaxRetries { get; set; } = 5;

    /// <summary>
    /// The most time one call may spend waiting between attempts, all retries together (default 30 s). A wait that
    /// would pass it is not started: the call ends with the last answer instead, so a caller's latency stays bounded.
    /// </summary>
    public TimeSpan Budget { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The first backoff when the server gives no <c>Retry-After</c> (default 200 ms); it doubles per attempt.</summary>
    public TimeSpan Delay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest single wait, <c>Retry-After</c> included (default 10 s).</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(10);

    internal void Validate()
    {
        if (MaxRetries < 0 || Budget < TimeSpan.Zero || Delay < TimeSpan.Zero || MaxDelay < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(CloudRetryOptions),
                $"Retry options must not be negative; got MaxRetries {MaxRetries}, Budget {Budget}, Delay {Delay}, MaxDelay {MaxDelay}.");
        }
    }
}
