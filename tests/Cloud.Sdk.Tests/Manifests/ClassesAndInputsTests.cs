using Cloud.Sdk.Manifests;

namespace Cloud.Sdk.Tests.Manifests;

/// <summary>classNames and inputs: unique, non-empty names that let instances be JSON objects.</summary>
public sealed class ClassesAndInputsTests
{
    [Fact]
    public void DuplicateClassNameIsRefused()
    {
        Assert.Equal(
            new ManifestError("$.classNames[2]", "Class name 'a' appears more than once in $.classNames; list each once."),
            Manifests.SingleErrorWith("\"task\": \"classification\", \"classNames\": [\"a\", \"b\", \"a\"]"));
    }

    [Fact]
    public void EmptyClassNameIsRefused()
    {
        Assert.Equal(
            new ManifestError("$.classNames[1]", "$.classNames[1] is an empty string; every class name must have at least one character."),
            Manifests.SingleErrorWith("\"task\": \"classification\", \"classNames\": [\"a\", \"\", \"c\"]"));
    }

    [Fact]
    public void ClassNameThatIsNotAStringIsRefused()
    {
        Assert.Equal(
            new ManifestError("$.classNames[0]", "$.classNames[0] must be a string, not a number."),
            Manifests.SingleErrorWith("\"task\": \"classification\", \"classNames\": [0, \"b\"]"));
    }

    [Fact]
    public void SingleClassIsNotAClassifier()
    {
        Assert.Equal(
            new ManifestError("$.classNames", "A classifier has at least 2 classes, but $.classNames lists 1."),
            Manifests.SingleErrorWith("\"task\": \"classification\", \"classNames\": [\"a\"]"));
    }

    [Fact]
    public void ClassNamesNeedTheClassificationTask()
    {
        Assert.Equal(
            new ManifestError("$.classNames", "Class names are only for task 'classification', but the task is 'regression'."),
            Manifests.SingleErrorWith("\"task\": \"regression\", \"classNames\": [\"a\", \"b\"]"));
    }

    [Fact]
    public void ClassNamesWithoutATaskSayTheDefaultIsOther()
    {
        Assert.Equal(
            "Class names are only for task 'classification', but the task is 'other' (the default when task is left out).",
            Manifests.SingleErrorWith("\"classNames\": [\"a\", \"b\"]").Message);
    }

    [Fact]
    public void InputWithoutFeatureNamesIsRefused()
    {
        Assert.Equal(
            new ManifestError("$.inputs.x.featureNames", "Required field 'featureNames' is missing from $.inputs.x."),
            Manifests.SingleErrorWith("\"inputs\": { \"x\": {} }"));
    }

    [Fact]
    public void InputWithNoFeaturesIsRefused()
    {
        Assert.Equal(
            new ManifestError("$.inputs.x.featureNames", "$.inputs.x.featureNames is empty; list the input's feature names, or leave the input out."),
            Manifests.SingleErrorWith("\"inputs\": { \"x\": { \"featureNames\": [] } }"));
    }

    [Fact]
    public void DuplicateFeatureNameWithinAnInputIsRefused()
    {
        Assert.Equal(
            new ManifestError("$.inputs.x.featureNames[1]", "Feature name 'age' appears more than once in $.inputs.x.featureNames; list each once."),
            Manifests.SingleErrorWith("\"inputs\": { \"x\": { \"featureNames\": [\"age\", \"age\"] } }"));
    }

    [Fact]
    public void FeatureNameSharedByTwoInputsIsRefused()
    {
        Assert.Equal(
            new ManifestError("$.inputs.b.featureNames[0]", "Feature name 'age' of input 'b' is also a feature of input 'a'; feature names must be unique across inputs so that each key of an instance object names one value."),
            Manifests.SingleErrorWith("\"inputs\": { \"a\": { \"featureNames\": [\"age\"] }, \"b\": { \"featureNames\": [\"age\"] } }"));
    }

    [Fact]
    public void FeatureNamedLikeAnotherInputIsRefused()
    {
        Assert.Equal(
            new ManifestError("$.inputs.a.featureNames[1]", "Feature name 'b' of input 'a' is also the name of input 'b'; an instance object could not tell which one the key means."),
            Manifests.SingleErrorWith("\"inputs\": { \"a\": { \"featureNames\": [\"x\", \"b\"] }, \"b\": { \"featureNames\": [\"y\"] } }"));
    }

    [Fact]
    public void InputNamesMayHoldAnyPrintableCharacters()
    {
        var manifest = Manifests.Valid(Manifests.With("\"inputs\": { \"input:0\": { \"featureNames\": [\"a b\"] } }"));

        Assert.Equal(["a b"], manifest.Inputs["input:0"].FeatureNames);
    }

    [Fact]
    public void EmptyInputNameIsRefused()
    {
        Assert.Equal(
            new ManifestError("$.inputs['']", "Input name '' in $.inputs is empty; use the ONNX model's input name."),
            Manifests.SingleErrorWith("\"inputs\": { \"\": { \"featureNames\": [\"a\"] } }"));
    }

    [Fact]
    public void DuplicateInputIsRefused()
    {
        Assert.Equal(
            new ManifestError("$.inputs.x", "Key 'x' appears more than once in $.inputs; keep one."),
            Manifests.SingleErrorWith("\"inputs\": { \"x\": { \"featureNames\": [\"a\"] }, \"x\": { \"featureNames\": [\"b\"] } }"));
    }
}
