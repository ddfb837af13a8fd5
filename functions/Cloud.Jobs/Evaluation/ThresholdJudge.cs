using System.Globalization;
using Cloud.Sdk.Manifests;

namespace Cloud.Jobs.Evaluation;

/// <summary>
/// Holds the candidate's metrics to the manifest's thresholds as TFX's evaluator does: a value threshold per metric
/// (<see cref="MetricDefinition.Meets"/>), and, when there is a baseline, change thresholds against the baseline's
/// metrics on the same rows: absolute (<c>baselineTolerance</c>, in the metric's units) and relative
/// (<c>baselineRelativeTolerance</c>, a fraction of |baseline|), the direction given by the metric table. A listed
/// metric with neither tolerance must be no worse than the baseline; one with both must pass both. Without a baseline
/// (a model's first version) only the value thresholds apply.
/// </summary>
internal static class ThresholdJudge
{
    public static List<ThresholdFailure> Judge(ValidationSpec spec, IReadOnlyDictionary<string, double> candidate, IReadOnlyDictionary<string, double>? baseline, string? baselineName)
    {
        var failures = new List<ThresholdFailure>();
        foreach (var name in spec.Metrics)
        {
            var metric = MetricDefinition.Find(name) ?? throw new EvaluationException($"Metric '{name}' is not in the metric table.");
            var value = candidate[name];
            if (spec.Thresholds.TryGetValue(name, out var threshold) && !metric.Meets(value, threshold))
            {
                failures.Add(new ThresholdFailure(name, ThresholdKind.Value, value, threshold,
                    double.IsNaN(value)
                        ? $"{name} is NaN, which meets no threshold (its threshold is {Number(threshold)})"
                        : $"{name} is {Numbers(value, threshold)}, {Worse(metric, "than")} its threshold {Numbers(threshold, value)}"));
            }

            if (baseline is null)
            {
                continue;
            }

            var before = baseline[name];
            var absolute = spec.BaselineTolerance.TryGetValue(name, out var tolerance);
            var relative = spec.BaselineRelativeTolerance.TryGetValue(name, out var fraction);
            if ((absolute || !relative) && !metric.IsNoWorseThan(value, before, tolerance))
            {
                var bound = Bound(metric, before, tolerance);
                failures.Add(new ThresholdFailure(name, ThresholdKind.AbsoluteChange, value, bound,
                    $"{name} is {Numbers(value, before)}, {Worse(metric, "than")} the baseline {baselineName}'s {Numbers(before, value)}{(absolute ? $" by more than its tolerance {Number(tolerance)}" : " (no baselineTolerance allows any loss)")}"));
            }

            if (relative && !metric.IsNoWorseThanRelative(value, before, fraction))
            {
                var bound = Bound(metric, before, fraction * Math.Abs(before));
                failures.Add(new ThresholdFailure(name, ThresholdKind.RelativeChange, value, bound,
                    $"{name} is {Numbers(value, before)}, {Worse(metric, "than")} the baseline {baselineName}'s {Numbers(before, value)} by more than its relative tolerance {Number(fraction)} ({Number(fraction * 100)} % of {Numbers(before, value)}: {Number(fraction * Math.Abs(before))})"));
            }
        }

        return failures;
    }

    private static double Bound(MetricDefinition metric, double baseline, double loss) =>
        metric.Direction == MetricDirection.HigherIsBetter ? baseline - loss : baseline + loss;

    private static string Worse(MetricDefinition metric, string word) =>
        metric.Direction == MetricDirection.HigherIsBetter ? $"lower {word}" : $"higher {word}";

    private static string Number(double value) => value.ToString("G6", CultureInfo.InvariantCulture);

    /// <summary><paramref name="value"/> with enough digits to differ from <paramref name="other"/> when they differ.</summary>
    private static string Numbers(double value, double other)
    {
        for (var digits = 6; digits < 17; digits++)
        {
            var format = "G" + digits.ToString(CultureInfo.InvariantCulture);
            if (value == other || value.ToString(format, CultureInfo.InvariantCulture) != other.ToString(format, CultureInfo.InvariantCulture))
            {
                return value.ToString(format, CultureInfo.InvariantCulture);
            }
        }

        return value.ToString("R", CultureInfo.InvariantCulture);
    }
}
