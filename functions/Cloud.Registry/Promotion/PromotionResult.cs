using Cloud.Registry.History;

namespace Cloud.Registry.Promotion;

/// <summary>How a promotion ended: its outcome (<see cref="PromotionOutcomes"/>), the steps in order, and why it failed.</summary>
/// <param name="Outcome">Applied or failed.</param>
/// <param name="Steps">One sentence per label and per split: what was changed, or found already so.</param>
/// <param name="Reason">Why it failed; null when applied.</param>
/// <param name="Repeated">True when the history already held this key: the attempt was made before and nothing was done now.</param>
internal sealed record PromotionResult(string Outcome, IReadOnlyList<string> Steps, string? Reason, bool Repeated)
{
    public bool Applied => Outcome == PromotionOutcomes.Applied;

    /// <summary>The steps and the reason in one line, for a job's log and summary.</summary>
    public string Describe() => string.Join("; ", Steps.Append(Reason).OfType<string>());
}
