using Cloud.Sdk.Manifests;

namespace Cloud.Sdk.Tests.Manifests;

/// <summary>Model names and labels: ^[a-z][a-z0-9-]{0,62}$, with nothing after the end (no trailing newline).</summary>
public sealed class NameRuleTests
{
    [Theory]
    [InlineData("iris")]
    [InlineData("a")]
    [InlineData("bench-mlp")]
    [InlineData("x9")]
    [InlineData("a-")]
    public void ValidNamesPass(string name)
    {
        Assert.True(ModelName.IsValid(name));
        Assert.True(LabelName.IsValid(name));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Iris")]
    [InlineData("9lives")]
    [InlineData("-iris")]
    [InlineData("iris\n")]
    [InlineData("ir is")]
    [InlineData("iris.v2")]
    [InlineData("..")]
    [InlineData("a/b")]
    [InlineData("\u0131ris")] // dotless i: a letter, but not ASCII
    public void InvalidNamesFail(string? name)
    {
        Assert.False(ModelName.IsValid(name));
        Assert.False(LabelName.IsValid(name));
    }

    [Fact]
    public void SixtyThreeCharactersIsTheLimit()
    {
        Assert.True(ModelName.IsValid(new string('a', 63)));
        Assert.False(ModelName.IsValid(new string('a', 64)));
        Assert.True(LabelName.IsValid(new string('a', 63)));
        Assert.False(LabelName.IsValid(new string('a', 64)));
    }

    [Theory]
    [InlineData("iris", null)]
    [InlineData("a#b", "Model name 'a#b' is not valid: it contains '#'. Use 1 to 63 lowercase letters, digits or '-', starting with a letter.")]
    [InlineData("iris\0", "Model name 'iris\\u0000' is not valid: it contains '\\u0000'. Use 1 to 63 lowercase letters, digits or '-', starting with a letter.")]
    [InlineData("\u202Eiris", "Model name '\\u202eiris' is not valid: it starts with '\\u202e'. Use 1 to 63 lowercase letters, digits or '-', starting with a letter.")] // a bidi override, shown escaped
    [InlineData("", "Model name '' is not valid: it is empty. Use 1 to 63 lowercase letters, digits or '-', starting with a letter.")]
    public void AModelNameIsRefusedWithASentenceThatQuotesItAndStatesTheRule(string name, string? expected) =>
        Assert.Equal(expected, ModelName.Validate(name));

    [Theory]
    [InlineData("canary", null)]
    [InlineData("Stable", "Label 'Stable' is not valid: it starts with 'S'. Use 1 to 63 lowercase letters, digits or '-', starting with a letter.")]
    public void ALabelIsRefusedWithASentenceThatQuotesItAndStatesTheRule(string label, string? expected) =>
        Assert.Equal(expected, LabelName.Validate(label));

    [Theory]
    [InlineData("model.onnx", null)]
    [InlineData("model.onnx.", "File name 'model.onnx.' is not valid: it ends with '.', which Windows file systems drop. Name a file directly inside the model folder, such as \"model.onnx\".")]
    [InlineData("..", "File name '..' is not valid: it is '..', which does not name a file. Name a file directly inside the model folder, such as \"model.onnx\".")]
    public void AFileNameIsRefusedWithASentenceThatQuotesIt(string name, string? expected) =>
        Assert.Equal(expected, FileNames.Validate(name));

    [Fact]
    public void AFileNameOverTwoHundredFiftyFiveBytesIsRefusedWithItsLength()
    {
        var name = new string('\u00e9', 128) + ".onnx"; // 261 bytes in UTF-8, 133 characters

        Assert.StartsWith("File name '", FileNames.Validate(name), StringComparison.Ordinal);
        Assert.Contains("…' is not valid: it is 261 bytes long in UTF-8 and the limit is 255.", FileNames.Validate(name), StringComparison.Ordinal);
    }
}
