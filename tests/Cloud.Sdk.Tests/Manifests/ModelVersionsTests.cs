using Cloud.Sdk.Manifests;

namespace Cloud.Sdk.Tests.Manifests;

/// <summary>
/// Cloud's model versions: the order the registry lists them in (<see cref="ModelVersions.Compare"/>), and which
/// versions the manifest reader accepts and refuses. Parsing and precedence themselves are the Semver package's;
/// these tests pin what Cloud relies on, not the package in depth.
/// </summary>
public sealed class ModelVersionsTests
{
    // The specification's precedence example (semver.org §11.4), lowest first.
    private static readonly string[] SpecOrder =
        ["1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0"];

    [Fact]
    public void CompareFollowsTheSpecificationsExample()
    {
        for (var i = 0; i < SpecOrder.Length; i++)
        {
            for (var j = 0; j < SpecOrder.Length; j++)
            {
                Assert.Equal(Math.Sign(i.CompareTo(j)), Math.Sign(ModelVersions.Compare(SpecOrder[i], SpecOrder[j])));
            }
        }
    }

    [Fact]
    public void NewestFirstAsTheRegistrySortsGivesTheSpecificationsOrderReversed()
    {
        var versions = new List<string> { "1.0.0", "1.0.0-beta.11", "1.0.0-alpha", "1.0.0-rc.1", "1.0.0-beta", "1.0.0-alpha.beta", "1.0.0-beta.2", "1.0.0-alpha.1" };

        versions.Sort((a, b) => ModelVersions.Compare(b, a));

        Assert.Equal(SpecOrder.Reverse(), versions);
    }

    [Theory]
    [InlineData("1.9.0", "1.10.0")] // numbers compare numerically, not as text
    [InlineData("1.0.0-rc.9", "1.0.0-rc.10")]
    [InlineData("1.0.0", "1.0.1-alpha")] // a pre-release is below its release only
    [InlineData("1.0.0-999", "1.0.0-1a")] // numeric identifiers are below alphanumeric ones
    [InlineData("1.0.0-99999999999999999999999999999", "1.0.0-123456789012345678901234567890")] // beyond 64 bits
    [InlineData("9223372036854775807.0.0", "9223372036854775808.0.0")]
    public void LowerComparesBelowHigher(string lower, string higher)
    {
        Assert.True(ModelVersions.Compare(lower, higher) < 0);
        Assert.True(ModelVersions.Compare(higher, lower) > 0);
    }

    [Fact]
    public void PreReleaseLabelsCompareCaseSensitivelyInAsciiOrder()
    {
        // SemVer 2.0.0 §11.4.2: alphanumeric identifiers compare in ASCII order, so capitals sort before lowercase.
        // NuGet.Versioning compares pre-release labels case-insensitively (it would put "Beta" above "alpha");
        // that is why Cloud uses the Semver package and not NuGet.Versioning.
        Assert.True(ModelVersions.Compare("1.0.0-Beta", "1.0.0-alpha") < 0);
        Assert.True(ModelVersions.Compare("1.0.0-alpha", "1.0.0-Alpha") > 0);
    }

    [Fact]
    public void BuildMetadataDoesNotCountAndTextThatIsNotAVersionFallsBackToOrdinalOrder()
    {
        Assert.Equal(0, ModelVersions.Compare("1.0.0+a", "1.0.0+b"));
        Assert.Equal(Math.Sign(string.CompareOrdinal("latest", "1.0.0")), Math.Sign(ModelVersions.Compare("latest", "1.0.0")));
        Assert.Equal(Math.Sign(string.CompareOrdinal("v2.0.0", "10.0.0")), Math.Sign(ModelVersions.Compare("v2.0.0", "10.0.0")));
    }

    [Theory]
    [InlineData("0.0.4")]
    [InlineData("10.20.30")]
    [InlineData("1.0.0-alpha.beta.1")]
    [InlineData("1.0.0-alpha0.valid")]
    [InlineData("1.0.0-0A.is.legal")]
    [InlineData("1.2.3----RC-SNAPSHOT.12.9.1--.12")]
    [InlineData("99999999999999999999.0.0")] // no 64-bit limit on the numbers; the 128-character limit bounds them
    public void TheManifestAcceptsStrictVersionsAndKeepsTheirText(string version)
    {
        var manifest = Manifests.Valid(Manifests.Minimal.Replace("\"1.0.0\"", $"\"{version}\"", StringComparison.Ordinal));

        Assert.Equal(version, manifest.Version.ToString());
    }

    [Theory]
    [InlineData("1.0.0\\n", "Version '1.0.0\\n' is not a semantic version: Version '1.0.0\\n' has trailing whitespace. Write")] // escaped, not a line break
    [InlineData(" 1.0.0", "Version ' 1.0.0' is not a semantic version: Version ' 1.0.0' has leading whitespace. Write")]
    [InlineData("V1.0.0", "Version 'V1.0.0' is not a semantic version: Leading 'V' in 'V1.0.0'. Write")]
    [InlineData("1.2.3.4", "Version '1.2.3.4' is not a semantic version: Fourth version number in '1.2.3.4'. Write")]
    [InlineData("1.0.0-alpha_beta", "Version '1.0.0-alpha_beta' is not a semantic version: Invalid character '_' in prerelease identifier in '1.0.0-alpha_beta'. Write")]
    [InlineData("1.0.0+", "Version '1.0.0+' is not a semantic version: Missing metadata identifier in '1.0.0+'. Write")]
    [InlineData("1.0.0+build.5", "Version '1.0.0+build.5' has build metadata ('+build.5'); a model version must not")]
    public void TheManifestRefusesOtherVersionsWithTheReason(string jsonVersion, string messageStart)
    {
        var error = Manifests.SingleError(Manifests.Minimal.Replace("\"1.0.0\"", $"\"{jsonVersion}\"", StringComparison.Ordinal));

        Assert.Equal("$.version", error.Path);
        Assert.StartsWith(messageStart, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AFolderVersionWithBuildMetadataIsAVersionButTheManifestsIsNot()
    {
        // The folder's segment is only checked to be a version; the manifest must match it and refuses metadata.
        var errors = Manifests.Read(Manifests.Minimal.Replace("\"1.0.0\"", "\"1.0.0+b\"", StringComparison.Ordinal), "iris", "1.0.0+b").Errors;

        var error = Assert.Single(errors);
        Assert.Equal("$.version", error.Path);
        Assert.StartsWith("Version '1.0.0+b' has build metadata", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1.0.0-rc.1", null)]
    [InlineData("1.0", "Version '1.0' is not a semantic version: Patch version missing in '1.0'. Write MAJOR.MINOR.PATCH, such as 1.0.0, optionally with a pre-release such as 1.0.0-rc.1.")]
    [InlineData("1.0.0+build", "Version '1.0.0+build' has build metadata ('+build'); a model version must not, because versions that differ only in build metadata cannot be ordered. Record the build in lineage.sourceRevision.")]
    public void AVersionFromOutsideAManifestIsCheckedByTheManifestsRules(string version, string? expected) =>
        Assert.Equal(expected, ModelVersions.Validate(version));

    [Fact]
    public void AVersionOverTheLengthLimitIsRefusedWithTheLimit() =>
        Assert.EndsWith("…' is 129 characters long and the limit is 128.", ModelVersions.Validate("1.0.0-" + new string('a', 123)), StringComparison.Ordinal);
}
