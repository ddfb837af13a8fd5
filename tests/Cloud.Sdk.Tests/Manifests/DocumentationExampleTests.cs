using System.Text.RegularExpressions;
using Cloud.Sdk.Manifests;

namespace Cloud.Sdk.Tests.Manifests;

/// <summary>The examples in docs/model-folder.md are what the reader does: the valid ones read, the bad one gives the errors shown.</summary>
public sealed partial class DocumentationExampleTests
{
    private static readonly string Page = File.ReadAllText(Repo.File("docs", "model-folder.md")).ReplaceLineEndings("\n");

    [Fact]
    public void FullExampleReads()
    {
        var manifest = Manifests.Valid(JsonBlocks()[0], "churn", "2.1.0");

        Assert.Equal(["canary"], manifest.Promotion!.OnValidated!.SetLabels);
        Assert.Equal(3, manifest.Validation!.Metrics.Count);
    }

    [Fact]
    public void MinimalExampleReads()
    {
        Assert.Equal("iris", Manifests.Valid(JsonBlocks()[1], "iris", "1.0.0").Name);
    }

    [Fact]
    public void BadExampleGivesExactlyTheErrorsShown()
    {
        var section = Page[Page.IndexOf("## A bad manifest", StringComparison.Ordinal)..];
        var blocks = CodeBlock().Matches(section);
        var json = blocks[0].Groups["body"].Value;
        var shown = blocks[1].Groups["body"].Value.TrimEnd('\n');

        var result = Manifests.Read(json, "iris", "1.0.0");

        Assert.Equal(shown, result.Describe());
    }

    private static List<string> JsonBlocks() =>
        [.. CodeBlock().Matches(Page).Where(block => block.Groups["lang"].Value == "json").Select(block => block.Groups["body"].Value)];

    [GeneratedRegex(@"^```(?<lang>\w*)\n(?<body>.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex CodeBlock();
}
