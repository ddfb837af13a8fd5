using Cloud.Sdk.Manifests;

namespace Cloud.Sdk.Tests.Manifests;

/// <summary>SemVer 2.0.0 parsing and precedence, checked against the examples in the specification (semver.org).</summary>
public sealed class SemanticVersionTests
{
    // §11.4's example, lowest first.
    private static readonly string[] SpecOrder =
        ["1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0"];

    [Fact]
    public void PrecedenceFollowsTheSpecificationsExample()
    {
        var versions = SpecOrder.Select(SemanticVersion.Parse).ToArray();

        for (var i = 0; i < versions.Length; i++)
        {
            for (var j = 0; j < versions.Length; j++)
            {
                Assert.Equal(Math.Sign(i.CompareTo(j)), Math.Sign(versions[i].CompareTo(versions[j])));
            }
        }
    }

    [Fact]
    public void SortingShuffledVersionsGivesTheSpecificationsOrder()
    {
        var shuffled = new[] { "1.0.0", "1.0.0-beta.11", "1.0.0-alpha", "1.0.0-rc.1", "1.0.0-beta", "1.0.0-alpha.beta", "1.0.0-beta.2", "1.0.0-alpha.1" };

        var sorted = shuffled.Select(SemanticVersion.Parse).Order().Select(version => version.ToString());

        Assert.Equal(SpecOrder, sorted);
    }

    [Fact]
    public void CoreNumbersCompareNumericallyNotAsText()
    {
        // §11.2's example: 1.0.0 < 2.0.0 < 2.1.0 < 2.1.1; and 1.10.0 is above 1.9.0.
        Assert.True(SemanticVersion.Parse("1.0.0") < SemanticVersion.Parse("2.0.0"));
        Assert.True(SemanticVersion.Parse("2.0.0") < SemanticVersion.Parse("2.1.0"));
        Assert.True(SemanticVersion.Parse("2.1.0") < SemanticVersion.Parse("2.1.1"));
        Assert.True(SemanticVersion.Parse("1.10.0") > SemanticVersion.Parse("1.9.0"));
        Assert.True(SemanticVersion.Parse("1.0.0-rc.10") > SemanticVersion.Parse("1.0.0-rc.9"));
    }

    [Fact]
    public void PreReleaseIsBelowItsRelease()
    {
        Assert.True(SemanticVersion.Parse("1.0.0-alpha") < SemanticVersion.Parse("1.0.0"));
        Assert.True(SemanticVersion.Parse("1.0.1-alpha") > SemanticVersion.Parse("1.0.0"));
    }

    [Fact]
    public void NumericIdentifiersSortBelowAlphanumericOnes()
    {
        Assert.True(SemanticVersion.Parse("1.0.0-999") < SemanticVersion.Parse("1.0.0-a"));
        Assert.True(SemanticVersion.Parse("1.0.0-1a") > SemanticVersion.Parse("1.0.0-999"));
    }

    [Fact]
    public void AlphanumericIdentifiersCompareInAsciiOrder()
    {
        // Uppercase letters come before lowercase ones in ASCII.
        Assert.True(SemanticVersion.Parse("1.0.0-Beta") < SemanticVersion.Parse("1.0.0-alpha"));
        Assert.True(SemanticVersion.Parse("1.0.0-alpha-2") > SemanticVersion.Parse("1.0.0-alpha"));
    }

    [Fact]
    public void NumericIdentifiersOfAnyLengthCompareNumerically()
    {
        Assert.True(SemanticVersion.Parse("1.0.0-123456789012345678901234567890") > SemanticVersion.Parse("1.0.0-99999999999999999999999999999"));
    }

    [Fact]
    public void BuildMetadataIsIgnoredForPrecedenceButKeptInTheText()
    {
        var a = SemanticVersion.Parse("1.0.0-alpha+001");
        var b = SemanticVersion.Parse("1.0.0-alpha+exp.sha.5114f85");

        Assert.Equal(0, a.CompareTo(b));
        Assert.True(a == b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.Equal("1.0.0-alpha+001", a.ToString());
        Assert.Equal("exp.sha.5114f85", b.BuildMetadata);
        Assert.Equal("alpha", b.PreRelease);
    }

    [Fact]
    public void PartsAreExposed()
    {
        var version = SemanticVersion.Parse("10.20.30-rc.1.x-y");

        Assert.Equal(10, version.Major);
        Assert.Equal(20, version.Minor);
        Assert.Equal(30, version.Patch);
        Assert.Equal(["rc", "1", "x-y"], version.PreReleaseIdentifiers);
        Assert.True(version.IsPreRelease);
        Assert.False(SemanticVersion.Parse("1.0.0").IsPreRelease);
    }

    [Fact]
    public void NullSortsFirst()
    {
        Assert.True(SemanticVersion.Parse("0.0.0") > null);
        Assert.Equal(1, SemanticVersion.Parse("0.0.0").CompareTo(null));
    }

    [Theory]
    [InlineData("0.0.4")]
    [InlineData("1.2.3")]
    [InlineData("10.20.30")]
    [InlineData("1.1.2-prerelease+meta")]
    [InlineData("1.1.2+meta-valid")]
    [InlineData("1.0.0-alpha.beta.1")]
    [InlineData("1.0.0-alpha0.valid")]
    [InlineData("1.0.0-alpha.0valid")]
    [InlineData("1.0.0-rc.1+build.1")]
    [InlineData("1.2.3----RC-SNAPSHOT.12.9.1--.12+788")]
    [InlineData("1.0.0+0.build.1-rc.10000aaa-kk-0.1")]
    [InlineData("9223372036854775807.0.0")]
    [InlineData("1.0.0-0A.is.legal")]
    public void ValidVersionsFromTheSpecificationsGrammarParse(string text)
    {
        Assert.True(SemanticVersion.TryParse(text, out var version));
        Assert.Equal(text, version.ToString());
    }

    [Theory]
    [InlineData("01.1.1", "the major version '01' has a leading zero")]
    [InlineData("1.01.1", "the minor version '01' has a leading zero")]
    [InlineData("1.1.01", "the patch version '01' has a leading zero")]
    [InlineData("1.0.0-alpha.01", "the pre-release identifier '01' has a leading zero")]
    [InlineData("1.0.0-alpha..1", "the pre-release has an empty identifier")]
    [InlineData("1.0.0-", "the pre-release has an empty identifier")]
    [InlineData("1.0.0+", "the build metadata has an empty identifier")]
    [InlineData("1.0.0+a..b", "the build metadata has an empty identifier")]
    [InlineData("1.2", "it needs three numbers, MAJOR.MINOR.PATCH (e.g. 1.0.0)")]
    [InlineData("1.2.3.4", "it needs three numbers, MAJOR.MINOR.PATCH (e.g. 1.0.0)")]
    [InlineData("1..3", "the minor version is empty")]
    [InlineData("", "it is empty")]
    [InlineData(" 1.0.0", "the major version ' 1' is not a number")]
    [InlineData("1.0.0-alpha_beta", "the pre-release identifier 'alpha_beta' has '_'; identifiers use only ASCII letters, digits and '-'")]
    [InlineData("1.0.0-\u00e9", "the pre-release identifier '\u00e9' has '\u00e9'; identifiers use only ASCII letters, digits and '-'")]
    [InlineData("9223372036854775808.0.0", "the major version '9223372036854775808' is too large")]
    [InlineData("v1.2.3", "it starts with 'v'; write 1.2.3, without the prefix")]
    [InlineData("+1.0.0", "it needs three numbers, MAJOR.MINOR.PATCH (e.g. 1.0.0)")]
    [InlineData("1.0.0\n", "the patch version '0\\n' is not a number")]
    public void BadVersionsAreRejectedWithAReason(string text, string reason)
    {
        Assert.False(SemanticVersion.TryParse(text, out var version));
        Assert.Null(version);
        var error = Assert.Throws<FormatException>(() => SemanticVersion.Parse(text));
        Assert.EndsWith($"is not a semantic version: {reason}.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NullIsNotAVersion()
    {
        Assert.False(SemanticVersion.TryParse(null, out _));
        Assert.Throws<ArgumentNullException>(() => SemanticVersion.Parse(null!));
    }
}
