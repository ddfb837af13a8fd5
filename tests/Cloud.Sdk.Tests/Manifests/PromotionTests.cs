using Cloud.Sdk.Manifests;

namespace Cloud.Sdk.Tests.Manifests;

/// <summary>The promotion policy: labels and a traffic split applied when validation passes.</summary>
public sealed class PromotionTests
{
    private static string WithPromotion(string onValidated) => Manifests.With($$"""
        "task": "regression",
        "validation": { "dataset": "v.csv", "labelColumn": "y", "metrics": ["rmse"] },
        "promotion": { "onValidated": {{onValidated}} }
        """);

    [Fact]
    public void CanaryPromotionIsRead()
    {
        var action = Manifests.Valid(WithPromotion("""{ "setLabels": ["canary"], "traffic": { "stable": 90, "canary": 10 } }""")).Promotion!.OnValidated!;

        Assert.Equal(["canary"], action.SetLabels);
        Assert.Equal(90, action.Traffic["stable"]);
        Assert.Equal(10, action.Traffic["canary"]);
    }

    [Fact]
    public void LabelsAloneLeaveTheSplitAsItIs()
    {
        var action = Manifests.Valid(WithPromotion("""{ "setLabels": ["stable"] }""")).Promotion!.OnValidated!;

        Assert.Equal(["stable"], action.SetLabels);
        Assert.Empty(action.Traffic);
    }

    [Fact]
    public void TrafficWeightsMustAddUpToOneHundred()
    {
        Assert.Equal(
            new ManifestError("$.promotion.onValidated.traffic", "Traffic weights must add up to 100, but those in $.promotion.onValidated.traffic add up to 110."),
            Manifests.SingleError(WithPromotion("""{ "traffic": { "stable": 90, "canary": 20 } }""")));
    }

    [Theory]
    [InlineData("-10")]
    [InlineData("101")]
    [InlineData("12.5")]
    public void TrafficWeightMustBeAWholePercentage(string weight)
    {
        Assert.Equal(
            new ManifestError("$.promotion.onValidated.traffic.canary", $"$.promotion.onValidated.traffic.canary must be a whole percentage from 0 to 100; it is {weight}."),
            Manifests.SingleError(WithPromotion($$"""{ "traffic": { "stable": 100, "canary": {{weight}} } }""")));
    }

    [Fact]
    public void TrafficLabelMustBeALabel()
    {
        Assert.Equal(
            new ManifestError("$.promotion.onValidated.traffic.Canary", "Traffic label 'Canary' is not a valid label: it starts with 'C'. Use 1 to 63 lowercase letters, digits or '-', starting with a letter."),
            Manifests.SingleError(WithPromotion("""{ "traffic": { "stable": 90, "Canary": 10 } }""")));
    }

    [Fact]
    public void EmptyTrafficIsRefused()
    {
        Assert.Equal(
            new ManifestError("$.promotion.onValidated.traffic", "$.promotion.onValidated.traffic is empty; give each label its share of 100, or leave the field out."),
            Manifests.SingleError(WithPromotion("""{ "traffic": {} }""")));
    }

    [Fact]
    public void SetLabelsMustBeValidAndUnique()
    {
        var errors = Manifests.Read(WithPromotion("""{ "setLabels": ["canary", "canary", "Blue"] }""")).Errors;

        Assert.Equal(
            [
                new ManifestError("$.promotion.onValidated.setLabels[1]", "Label 'canary' appears more than once in $.promotion.onValidated.setLabels; list each once."),
                new ManifestError("$.promotion.onValidated.setLabels[2]", "Label 'Blue' is not a valid label: it starts with 'B'. Use 1 to 63 lowercase letters, digits or '-', starting with a letter."),
            ],
            errors);
    }

    [Fact]
    public void InvalidLabelInSetLabelsIsNamed()
    {
        Assert.Equal(
            new ManifestError("$.promotion.onValidated.setLabels[1]", "Label 'blue_green' is not a valid label: it contains '_'. Use 1 to 63 lowercase letters, digits or '-', starting with a letter."),
            Manifests.SingleError(WithPromotion("""{ "setLabels": ["canary", "blue_green"] }""")));
    }

    [Fact]
    public void EmptyActionDoesNothingAndSaysSo()
    {
        Assert.Equal(
            new ManifestError("$.promotion.onValidated", "$.promotion.onValidated does nothing; give it setLabels, traffic or both."),
            Manifests.SingleError(WithPromotion("{}")));
    }

    [Fact]
    public void PromotionWithoutValidationWouldNeverFire()
    {
        var json = Manifests.With("""
            "promotion": { "onValidated": { "setLabels": ["stable"] } }
            """);

        Assert.Equal(
            new ManifestError("$.promotion.onValidated", "Promotion on validation needs a validation section: without $.validation the version is never validated, so it would never be promoted."),
            Manifests.SingleError(json));
    }

    [Fact]
    public void EmptyPromotionNeedsOnValidated()
    {
        Assert.Equal(
            new ManifestError("$.promotion.onValidated", "Required field 'onValidated' is missing from $.promotion."),
            Manifests.SingleErrorWith("\"promotion\": {}"));
    }
}
