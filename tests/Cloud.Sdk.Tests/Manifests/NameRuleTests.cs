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
}
