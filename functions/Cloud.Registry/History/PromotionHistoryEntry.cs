namespace Cloud.Registry.History;

/// <summary>
/// One promotion attempt on a version, as its promotion history keeps it (a line of
/// <c>versions/{model}/{version}/promotions.jsonl</c> in the jobs container).
/// </summary>
/// <param name="At">When it ended.</param>
/// <param name="Key">What asked for it (the job id, or <c>request-…</c> for the management API): one entry per key.</param>
/// <param name="Trigger"><c>onValidated</c>, <c>afterSoak</c> or <c>explicit</c>.</param>
/// <param name="Outcome">See <see cref="PromotionOutcomes"/>.</param>
/// <param name="Steps">What was done or found already done, one sentence each, in order.</param>
/// <param name="Reason">Why it failed or was held; null when applied.</param>
internal sealed record PromotionHistoryEntry(DateTimeOffset At, string Key, string Trigger, string Outcome, IReadOnlyList<string> Steps, string? Reason);

/// <summary>How a promotion attempt ended.</summary>
internal static class PromotionOutcomes
{
    /// <summary>Labels and split are as the step asks (some or all were already).</summary>
    public const string Applied = "applied";

    /// <summary>Refused by a rule (a traffic label that does not exist, a version that may not take traffic); nothing changed.</summary>
    public const string Failed = "failed";

    /// <summary>A soak judged the version worse than the one it was compared with; nothing changed.</summary>
    public const string Held = "held";

    /// <summary>A soak found too few requests to judge and looks again after another window.</summary>
    public const string Rescheduled = "rescheduled";
}
