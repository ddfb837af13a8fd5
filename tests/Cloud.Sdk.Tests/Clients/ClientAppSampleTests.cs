using ClientApp;
using Cloud.Sdk.Tests.Hosting;

namespace Cloud.Sdk.Tests.Clients;

/// <summary>samples/ClientApp runs start to end against the real local host: push, wait until served, predict, move a label, predict again.</summary>
public sealed class ClientAppSampleTests
{
    [Fact]
    public async Task TheWalkthroughMovesStableToTheVersionItPushed()
    {
        await using var host = await LoopbackHost.StartAsync();
        var output = new StringWriter();

        var code = await Walkthrough.RunAsync(host.Endpoint, LoopbackHost.AdminKey, Repo.File("samples", "models", "iris"), output, CancellationToken.None);

        var lines = output.ToString().ReplaceLineEndings("\n").TrimEnd().Split('\n');
        var pushed = lines[0]["pushed iris ".Length..lines[0].IndexOf(':', StringComparison.Ordinal)];
        Assert.Equal(0, code);
        Assert.Equal($"pushed iris {pushed}: registered", lines[0]);
        Assert.EndsWith(": succeeded", lines.Last(l => l.StartsWith("validate job ", StringComparison.Ordinal)), StringComparison.Ordinal);
        lines = lines.SkipWhile(l => !l.StartsWith($"iris {pushed} is", StringComparison.Ordinal)).ToArray();
        Assert.Equal($"iris {pushed} is validated and served", lines[0]);
        Assert.StartsWith("before: 1.0.0 via label:stable → ", lines[1], StringComparison.Ordinal);
        Assert.Equal($"moved stable 1.0.0 → {pushed}", lines[2]);
        // 6.7, 3.0, 5.2, 2.3 is labelled virginica (class 2, the third of classNames) in samples/data/iris.csv, row 147.
        Assert.Equal($"after: {pushed} via label:stable → 2", lines[3]);
    }
}
