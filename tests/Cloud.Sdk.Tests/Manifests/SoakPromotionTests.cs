using Cloud.Sdk.Manifests;

namespace Cloud.Sdk.Tests.Manifests;

/// <summary>promotion.afterSoak: the step a canary takes after its soak window when it is no worse than the compared version.</summary>
public sealed class SoakPromotionTests
{
    private static string WithSoak(string afterSoak) => Manifests.With($$"""
        "task": "regression",
        "validation": { "dataset": "v.csv", "labelColumn": "y", "metrics": ["rmse"] },
        "promotion": { "onValidated": { "setLabels": ["canary"], "traffic": { "stable": 90, "canary": 10 } }, "afterSoak": {{afterSoak}} }
        """);

    [Fact]
    public void EveryFieldIsRead()
    {
        var soak = Manifests.Valid(WithSoak("""
            { "soakMinutes": 30, "compareWith": "prod", "setLabels": ["stable"], "traffic": { "stable": 100 },
              "maxErrorRateIncrease": 0.01, "maxLatencyRatio": 1.2, "minRequests": 100 }
            """)).Promotion!.AfterSoak!;

        Assert.Equal((TimeSpan.FromMinutes(30), "prod", 0.01, 1.2, 100L), (soak.Window, soak.CompareWith, soak.MaxErrorRateIncrease, soak.MaxLatencyRatio, soak.MinRequests));
        Assert.Equal(["stable"], soak.Action.SetLabels);
        Assert.Equal(100, soak.Action.Traffic["stable"]);
    }

    [Fact]
    public void DefaultsCompareWithStableAndAllowNothingWorse()
    {
        var soak = Manifests.Valid(WithSoak("""{ "soakMinutes": 0.5, "setLabels": ["stable"] }""")).Promotion!.AfterSoak!;

        Assert.Equal((TimeSpan.FromSeconds(30), "stable", 0.0, 1.0, 1L), (soak.Window, soak.CompareWith, soak.MaxErrorRateIncrease, soak.MaxLatencyRatio, soak.MinRequests));
    }

    [Theory]
    [InlineData("""{ "setLabels": ["stable"] }""", "$.promotion.afterSoak.soakMinutes", "Required field 'soakMinutes' is missing from $.promotion.afterSoak.")]
    [InlineData("""{ "soakMinutes": 30 }""", "$.promotion.afterSoak", "$.promotion.afterSoak does nothing; give it setLabels, traffic or both.")]
    [InlineData("""{ "soakMinutes": 0, "setLabels": ["stable"] }""", "$.promotion.afterSoak.soakMinutes",
        "$.promotion.afterSoak.soakMinutes is 0; a soak needs time to measure anything. Promote at once with onValidated, or through POST .../promote.")]
    [InlineData("""{ "soakMinutes": 20000, "setLabels": ["stable"] }""", "$.promotion.afterSoak.soakMinutes",
        "$.promotion.afterSoak.soakMinutes must be a number of minutes above 0, at most 10080 (a week); it is 20000.")]
    [InlineData("""{ "soakMinutes": 30, "setLabels": ["stable"], "maxLatencyRatio": 0.9 }""", "$.promotion.afterSoak.maxLatencyRatio",
        "$.promotion.afterSoak.maxLatencyRatio must be a ratio from 1 (no slower) to 1000; it is 0.9.")]
    [InlineData("""{ "soakMinutes": 30, "setLabels": ["stable"], "maxErrorRateIncrease": 2 }""", "$.promotion.afterSoak.maxErrorRateIncrease",
        "$.promotion.afterSoak.maxErrorRateIncrease must be a fraction of requests from 0 to 1; it is 2.")]
    [InlineData("""{ "soakMinutes": 30, "setLabels": ["stable"], "minRequests": 0 }""", "$.promotion.afterSoak.minRequests",
        "$.promotion.afterSoak.minRequests must be a whole number from 1 to 1000000000; it is 0.")]
    [InlineData("""{ "soakMinutes": 30, "traffic": { "stable": 50 } }""", "$.promotion.afterSoak.traffic",
        "Traffic weights must add up to 100, but those in $.promotion.afterSoak.traffic add up to 50.")]
    [InlineData("""{ "soakMinutes": 30, "setLabels": ["stable"], "compareWith": "Prod" }""", "$.promotion.afterSoak.compareWith",
        "Label 'Prod' is not a valid label: it starts with 'P'. Use 1 to 63 lowercase letters, digits or '-', starting with a letter.")]
    public void MistakesAreNamedByTheirPath(string afterSoak, string path, string message) =>
        Assert.Equal(new ManifestError(path, message), Manifests.SingleError(WithSoak(afterSoak)));
}
