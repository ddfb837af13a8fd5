namespace Cloud.Jobs.Evaluation;

/// <summary>Which kind of threshold a metric missed.</summary>
internal enum ThresholdKind
{
    /// <summary>The manifest's <c>thresholds</c>: a minimum, or a maximum for error metrics.</summary>
    Value,

    /// <summary>No worse than the baseline by more than <c>baselineTolerance</c> (0 when no tolerance is given).</summary>
    AbsoluteChange,

    /// <summary>No worse than the baseline by more than <c>baselineRelativeTolerance</c> × |baseline|.</summary>
    RelativeChange,
}

/// <summary>One threshold a metric missed, with the numbers and the reason in words.</summary>
/// <param name="Metric">The metric's manifest name.</param>
/// <param name="Kind">Which threshold.</param>
/// <param name="Value">The candidate's value.</param>
/// <param name="Bound">The worst acceptable value the threshold set (the threshold, or the baseline adjusted by the tolerance).</param>
/// <param name="Reason">A sentence such as "accuracy is 0.85, below its threshold 0.9".</param>
internal sealed record ThresholdFailure(string Metric, ThresholdKind Kind, double Value, double Bound, string Reason);
