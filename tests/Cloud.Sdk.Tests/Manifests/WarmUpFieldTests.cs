using Cloud.Sdk.Manifests;

namespace Cloud.Sdk.Tests.Manifests;

/// <summary>The warm-up example: a file inside the folder, named by the same path rules as the validation dataset.</summary>
public sealed class WarmUpFieldTests
{
    [Fact]
    public void WithoutTheFieldThereIsNoExample()
    {
        Assert.Null(Manifests.Valid(Manifests.Minimal).WarmUp);
    }

    [Theory]
    [InlineData("warmup.json")]
    [InlineData("examples/warm-up.v2.json")]
    public void APathInsideTheFolderIsRead(string path)
    {
        Assert.Equal(path, Manifests.Valid(Manifests.With($"\"warmUp\": \"{path}\"")).WarmUp);
    }

    [Theory]
    [InlineData("../warmup.json", "it has a '..' segment; name files inside the folder without '.' or '..'")]
    [InlineData("examples/../../warmup.json", "it has a '..' segment; name files inside the folder without '.' or '..'")]
    [InlineData("./warmup.json", "it has a '.' segment; name files inside the folder without '.' or '..'")]
    [InlineData("/srv/models/warmup.json", "it starts with '/'")]
    [InlineData("C:/warmup.json", "its segment 'C:' contains ':'")]
    [InlineData("examples//warmup.json", "it has an empty segment ('//' or a trailing '/')")]
    [InlineData("examples/", "it has an empty segment ('//' or a trailing '/')")]
    [InlineData("warmup.json.", "its segment 'warmup.json.' ends with '.', which Windows file systems drop")]
    [InlineData("", "it is empty")]
    public void APathThatLeavesTheFolderOrIsMalformedIsRefused(string path, string problem)
    {
        Assert.Equal(
            new ManifestError("$.warmUp", $"Warm-up file '{path}' is not a relative path inside the model folder: {problem}. Use a path such as \"warmup.json\" or \"data/warmup.json\"."),
            Manifests.SingleErrorWith($"\"warmUp\": \"{path}\""));
    }

    [Fact]
    public void ABackslashIsRefused()
    {
        Assert.Equal(
            "Warm-up file 'examples\\warmup.json' is not a relative path inside the model folder: its segment 'examples\\warmup.json' contains '\\'. Use a path such as \"warmup.json\" or \"data/warmup.json\".",
            Manifests.SingleErrorWith("\"warmUp\": \"examples\\\\warmup.json\"").Message);
    }

    [Fact]
    public void APathLongerThanTheLimitIsRefused()
    {
        // 103 segments of "abcdefghi/" (10 bytes each) less the last '/': 1,029 bytes, over the 1,024-byte limit;
        // messages quote the first 64 characters of a value.
        var path = string.Join('/', Enumerable.Repeat("abcdefghi", 103));

        Assert.Equal(
            $"Warm-up file '{path[..64]}…' is not a relative path inside the model folder: it is 1029 bytes long in UTF-8 and the limit is 1024. Use a path such as \"warmup.json\" or \"data/warmup.json\".",
            Manifests.SingleErrorWith($"\"warmUp\": \"{path}\"").Message);
    }

    [Fact]
    public void TheManifestItselfIsRefused()
    {
        Assert.Equal(
            new ManifestError("$.warmUp", "Warm-up file 'model.json' is the manifest itself; name a file that holds one inference request, such as \"warmup.json\"."),
            Manifests.SingleErrorWith("\"warmUp\": \"model.json\""));
    }

    [Fact]
    public void AWarmUpFieldInsideAnotherSectionIsToldWhereItBelongs()
    {
        var json = Manifests.With("\"task\": \"regression\", \"validation\": { \"dataset\": \"v.csv\", \"labelColumn\": \"y\", \"metrics\": [\"rmse\"], \"warmUp\": \"w.json\" }");

        Assert.Equal("Unknown field 'warmUp' in $.validation; it belongs in $.", Manifests.SingleError(json).Message);
    }
}
