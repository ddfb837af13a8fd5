using Cloud.Registry.Settings;

namespace Cloud.Serving.Http;

/// <summary>Settings of the prediction endpoints (section "Cloud:Serving").</summary>
internal sealed record ServingOptions : ISettings
{
    /// <summary>Largest accepted prediction body; larger ones get 413.</summary>
    public long MaxRequestBodyBytes { get; init; } = 10 * 1024 * 1024;

    /// <summary>
    /// Why <see cref="MaxRequestBodyBytes"/> has its value, when a host sets it for a reason of its own (Vertex AI's
    /// request limit): appended to the 413's message, so a client learns which limit it met. Null for none.
    /// </summary>
    public string? MaxRequestBodyBytesReason { get; init; }

    /// <summary>
    /// Prediction body bytes held at once across requests, from reading until the answer (see <see cref="BodyBudget"/>);
    /// a body that would pass it gets 429 with Retry-After before it is read.
    /// </summary>
    public long MaxRequestBodyBytesInFlight { get; init; } = 256 * 1024 * 1024;

    /// <summary>
    /// How often per-version request statistics are published to the shared store, where promote jobs in any
    /// process read them (docs/jobs.md#promotion).
    /// </summary>
    public TimeSpan StatisticsPublishInterval { get; init; } = TimeSpan.FromSeconds(10);

    public IEnumerable<string> Validate(string section)
    {
        if (StatisticsPublishInterval <= TimeSpan.Zero)
        {
            yield return $"{section}:{nameof(StatisticsPublishInterval)} must be positive; got {StatisticsPublishInterval}.";
        }

        if (MaxRequestBodyBytes < 1024)
        {
            yield return $"{section}:{nameof(MaxRequestBodyBytes)} must be at least 1024; got {MaxRequestBodyBytes}.";
        }

        if (MaxRequestBodyBytesInFlight < MaxRequestBodyBytes)
        {
            yield return $"{section}:{nameof(MaxRequestBodyBytesInFlight)} must be at least {nameof(MaxRequestBodyBytes)} ({MaxRequestBodyBytes}), or no body of the largest size could ever be read; got {MaxRequestBodyBytesInFlight}.";
        }
    }
}
