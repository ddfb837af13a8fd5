namespace Cloud.Sdk.Manifests;

/// <summary>
/// The second promotion step (manifest field <c>promotion.afterSoak</c>): once the version has served its share of
/// traffic for <see cref="Window"/>, its labels and split change again when its error rate and latency were no worse
/// than those of the version under <see cref="CompareWith"/> within the tolerances. Also what an explicit
/// promotion applies at once.
/// </summary>
public sealed record SoakPromotion
{
    /// <summary>How long the version serves before it is judged (<c>soakMinutes</c>).</summary>
    public TimeSpan Window { get; init; }

    /// <summary>The label whose version the candidate is compared with (<c>compareWith</c>), by default <c>stable</c>.</summary>
    public string CompareWith { get; init; } = "stable";

    /// <summary>The labels and split applied when the candidate passes (<c>setLabels</c>, <c>traffic</c>).</summary>
    public PromotionAction Action { get; init; } = new();

    /// <summary>How much higher, as a fraction of requests, the candidate's error rate may be (<c>maxErrorRateIncrease</c>).</summary>
    public double MaxErrorRateIncrease { get; init; }

    /// <summary>The largest acceptable ratio of the candidate's p95 latency to the compared version's (<c>maxLatencyRatio</c>).</summary>
    public double MaxLatencyRatio { get; init; } = 1;

    /// <summary>The fewest requests the candidate must have answered in the window to be judged (<c>minRequests</c>).</summary>
    public long MinRequests { get; init; } = 1;
}
