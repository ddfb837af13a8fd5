using Cloud.Jobs.Evaluation;
using Cloud.Sdk.Registry;

namespace Cloud.Jobs.Tests.Evaluation;

/// <summary>
/// Thresholds as TFX's evaluator has them, on regression rows whose metrics are known (see RegressionMetricTests):
/// the candidate predicts column "a" (rmse 0.75, r2 0.55), the baseline column "b" (errors 0, 0, 0, 0.5: rmse
/// √(0.25/4) = 0.25, r2 1 − 0.25/5 = 0.95). Both run over the same rows in the same pass.
/// </summary>
public sealed class ThresholdTests : IDisposable
{
    private const string Rows = """
        label,a,b
        1,1.5,1
        2,2,2
        3,2,3
        4,5,4.5
        """;

    private readonly ValidationScratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task MetricsWithinTheirThresholdsAreValidated()
    {
        var outcome = await RunAsync("\"metrics\": [\"rmse\", \"r2\"], \"thresholds\": { \"rmse\": 0.75, \"r2\": 0.5 }");

        Assert.Equal(ModelVersionStatus.Validated, outcome.Status);
        Assert.Empty(outcome.Failures);
        Assert.Equal("Validated on 4 rows of 'v.csv': every threshold met.", outcome.Reason);
    }

    [Fact]
    public async Task AMetricPastItsThresholdIsRejectedWithTheNumbers()
    {
        var outcome = await RunAsync("\"metrics\": [\"rmse\", \"r2\"], \"thresholds\": { \"rmse\": 0.7, \"r2\": 0.6 }");

        Assert.Equal(ModelVersionStatus.Rejected, outcome.Status);
        Assert.Equal(
            [
                new ThresholdFailure("rmse", ThresholdKind.Value, 0.75, 0.7, "rmse is 0.75, higher than its threshold 0.7"),
                new ThresholdFailure("r2", ThresholdKind.Value, 0.55, 0.6, "r2 is 0.55, lower than its threshold 0.6"),
            ],
            outcome.Failures.Select(f => f with { Value = Math.Round(f.Value, 12) }));
        Assert.Equal("Rejected on 4 rows of 'v.csv': rmse is 0.75, higher than its threshold 0.7; r2 is 0.55, lower than its threshold 0.6.", outcome.Reason);
    }

    [Fact]
    public async Task AWorseCandidateThanTheBaselineIsRejectedBeyondItsTolerance()
    {
        var outcome = await RunAsync("\"metrics\": [\"rmse\", \"r2\"], \"baselineLabel\": \"stable\", \"baselineTolerance\": { \"rmse\": 0.1 }", withBaseline: true);

        Assert.Equal(ModelVersionStatus.Rejected, outcome.Status);
        Assert.Equal(0.25, outcome.Baseline!.Metrics["rmse"], 12);
        Assert.Equal(0.95, outcome.Baseline.Metrics["r2"], 12);
        Assert.Equal("1.0.0", outcome.Baseline.Version);
        Assert.Equal(
            [
                "rmse is 0.75, higher than the baseline 1.0.0's 0.25 by more than its tolerance 0.1",
                "r2 is 0.55, lower than the baseline 1.0.0's 0.95 (no baselineTolerance allows any loss)",
            ],
            outcome.Failures.Select(f => f.Reason));
        Assert.Equal([ThresholdKind.AbsoluteChange, ThresholdKind.AbsoluteChange], outcome.Failures.Select(f => f.Kind));
        Assert.Equal(0.35, outcome.Failures[0].Bound, 12); // baseline 0.25 + tolerance 0.1
    }

    [Fact]
    public async Task ToleranceWideEnoughForTheLossIsValidated()
    {
        var outcome = await RunAsync("\"metrics\": [\"rmse\", \"r2\"], \"baselineLabel\": \"stable\", \"baselineTolerance\": { \"rmse\": 0.5, \"r2\": 0.4 }", withBaseline: true);

        // rmse 0.75 ≤ 0.25 + 0.5; r2 0.55 ≥ 0.95 − 0.4.
        Assert.Equal(ModelVersionStatus.Validated, outcome.Status);
        Assert.Equal("Validated on 4 rows of 'v.csv': every threshold met, and no worse than 1.0.0 (under 'stable') beyond its tolerances.", outcome.Reason);
    }

    [Fact]
    public async Task RelativeToleranceIsAFractionOfTheBaseline()
    {
        // rmse may be 200 % of 0.25 worse (up to 0.75: met exactly); r2 may lose 40 % of 0.95 = 0.38 (down to 0.57: missed).
        var outcome = await RunAsync("\"metrics\": [\"rmse\", \"r2\"], \"baselineLabel\": \"stable\", \"baselineRelativeTolerance\": { \"rmse\": 2, \"r2\": 0.4 }", withBaseline: true);

        var failure = Assert.Single(outcome.Failures);
        Assert.Equal(ThresholdKind.RelativeChange, failure.Kind);
        Assert.Equal("r2 is 0.55, lower than the baseline 1.0.0's 0.95 by more than its relative tolerance 0.4 (40 % of 0.95: 0.38)", failure.Reason);
        Assert.Equal(0.57, failure.Bound, 12);
    }

    [Fact]
    public async Task AMetricWithBothTolerancesMustPassBoth()
    {
        // Absolute 1.0 allows rmse up to 1.25; relative 1.0 (100 %) only up to 0.5.
        var outcome = await RunAsync("\"metrics\": [\"rmse\"], \"baselineLabel\": \"stable\", \"baselineTolerance\": { \"rmse\": 1 }, \"baselineRelativeTolerance\": { \"rmse\": 1 }", withBaseline: true);

        Assert.Equal(ThresholdKind.RelativeChange, Assert.Single(outcome.Failures).Kind);
    }

    [Fact]
    public async Task AFirstVersionWithoutBaselineIsJudgedOnValueThresholdsAlone()
    {
        // The manifest names a baseline label, but no version holds it yet: the runner passes no baseline.
        var outcome = await RunAsync("\"metrics\": [\"rmse\"], \"thresholds\": { \"rmse\": 1 }, \"baselineLabel\": \"stable\", \"baselineTolerance\": { \"rmse\": 0 }");

        Assert.Equal(ModelVersionStatus.Validated, outcome.Status);
        Assert.Null(outcome.Baseline);
        Assert.Equal("Validated on 4 rows of 'v.csv': every threshold met (no version is under 'stable' yet, so there was no baseline to compare with).", outcome.Reason);
    }

    [Fact]
    public async Task TheMetricHistoryRecordHoldsTheCandidatesMetrics()
    {
        var outcome = await RunAsync("\"metrics\": [\"rmse\"]");
        var at = new DateTimeOffset(2026, 12, 8, 0, 0, 0, TimeSpan.Zero);

        var record = outcome.ToMetricsRecord(at, "validate-m-1.1.0-abc");

        Assert.Equal(("v.csv", "validate-m-1.1.0-abc", at), (record.Dataset, record.JobId, record.At));
        Assert.Equal(["mse", "rmse", "mae", "r2"], record.Values.Keys);
    }

    private Task<ValidationOutcome> RunAsync(string fields, bool withBaseline = false) =>
        _scratch.RunAsync(
            Rows,
            ValidationScratch.Spec("regression", fields),
            _scratch.Regressor("a", version: "1.1.0"),
            withBaseline ? _scratch.Regressor("b", version: "1.0.0") : null);
}
