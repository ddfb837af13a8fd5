using Cloud.Sdk.Manifests;

namespace Cloud.Sdk.Tests.Manifests;

/// <summary>The folder models/{name}/{version}/ and the manifest must agree, and the folder's own segments follow the same rules.</summary>
public sealed class FolderPathTests
{
    [Fact]
    public void NameThatDiffersFromTheFolderIsRefused()
    {
        Assert.Equal(
            new ManifestError("$.name", "The manifest says name 'iris' but the folder is models/flowers/1.0.0/."),
            Manifests.SingleError(Manifests.Minimal, "flowers", "1.0.0"));
    }

    [Fact]
    public void VersionThatDiffersFromTheFolderIsRefused()
    {
        Assert.Equal(
            new ManifestError("$.version", "The manifest says version '1.0.0' but the folder is models/iris/1.0.1/."),
            Manifests.SingleError(Manifests.Minimal, "iris", "1.0.1"));
    }

    [Fact]
    public void VersionMustMatchTheFolderExactlyNotJustInPrecedence()
    {
        var error = Manifests.SingleError(Manifests.Minimal.Replace("\"1.0.0\"", "\"1.0.0-rc.1\"", StringComparison.Ordinal), "iris", "1.0.0");

        Assert.Equal("The manifest says version '1.0.0-rc.1' but the folder is models/iris/1.0.0/.", error.Message);
    }

    [Fact]
    public void NameCheckAloneNamesTheFolderWithoutAVersion()
    {
        Assert.Equal(
            "The manifest says name 'iris' but the folder is models/flowers/{version}/.",
            Manifests.SingleError(Manifests.Minimal, "flowers").Message);
    }

    [Fact]
    public void FolderNameThatClimbsOutIsRefused()
    {
        var errors = Manifests.Read(Manifests.Minimal, "..", "1.0.0").Errors;

        Assert.Equal(
            [
                new ManifestError("$", "The folder's name '..' is not a valid model name: it starts with '.'. Use 1 to 63 lowercase letters, digits or '-', starting with a letter."),
                new ManifestError("$.name", "The manifest says name 'iris' but the folder is models/../1.0.0/."),
            ],
            errors);
    }

    [Fact]
    public void FolderVersionThatIsNotSemVerIsRefused()
    {
        var errors = Manifests.Read(Manifests.Minimal, "iris", "latest").Errors;

        Assert.Equal(
            [
                new ManifestError("$", "The folder's version 'latest' is not a semantic version: Major version contains invalid character 'l' in 'latest'."),
                new ManifestError("$.version", "The manifest says version '1.0.0' but the folder is models/iris/latest/."),
            ],
            errors);
    }

    [Fact]
    public void MatchingFolderIsAccepted()
    {
        Assert.Equal("iris", Manifests.Valid(Manifests.Minimal, "iris", "1.0.0").Name);
    }
}
