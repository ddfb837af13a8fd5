using System.Text.Json.Nodes;
using Cloud.Sdk.Tests.Hosting;

namespace Cloud.Cli.Tests;

/// <summary>Bad input: each is one error line on stderr that names the problem and the fix, and a non-zero, documented exit code.</summary>
public sealed class CliBadInputTests(CliFixture fixture) : IClassFixture<CliFixture>
{
    [Fact]
    public async Task AnUnknownModelIsExitCode3()
    {
        var run = await fixture.RunAsync("models", "show", "ghost");

        Assert.Equal(3, run.ExitCode);
        Assert.Equal("error: Model 'ghost' is not registered.\n", run.Error.ReplaceLineEndings("\n"));
        Assert.Empty(run.Out);
    }

    [Fact]
    public async Task AFolderWithoutModelJsonIsExitCode2()
    {
        var folder = Directory.CreateTempSubdirectory("cloud-cli-empty-").FullName;
        File.Copy(Path.Combine(Repo.Root, "samples", "models", "iris", "model.onnx"), Path.Combine(folder, "model.onnx"));

        var run = await fixture.RunAsync("models", "push", folder);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal($"error: The folder '{folder}' has no model.json; every model folder needs one (cloud init model.onnx writes it from the model's signature).\n",
            run.Error.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task AManifestThatDoesNotMatchTheModelIsRefusedByRegistrationWithItsReason()
    {
        var folder = LoopbackHost.IrisFolder("7.0.0", manifest =>
        {
            manifest["inputs"] = JsonNode.Parse("""{"pixels": {"featureNames": ["a", "b", "c", "d"]}}""");
            return manifest;
        });

        var run = await fixture.RunAsync("models", "push", folder);

        Assert.Equal(1, run.ExitCode);
        Assert.Single(run.Error.TrimEnd('\n').Split('\n'));
        Assert.StartsWith("error: ", run.Error, StringComparison.Ordinal);
        Assert.Contains("The manifest describes input 'pixels', but the model's inputs are: features.", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InitRefusesFeaturesThatDoNotMatchTheModelsInput()
    {
        var run = await fixture.RunAsync("init", Path.Combine(Repo.Root, "samples", "models", "iris", "model.onnx"), "--features", "a,b",
            "--out", Directory.CreateTempSubdirectory("cloud-cli-init-").FullName);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("error: Input 'features' takes 4 features (float32[batch,4]); --features names 2. Name one per column of its last dimension.\n", run.Error.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task AWrongKeyIsExitCode4AndSaysWhereTheKeyGoes()
    {
        var run = await fixture.RunAsync("models", "ls", "--admin-key", "guess");

        Assert.Equal(4, run.ExitCode);
        Assert.Equal("error: The management API needs the admin key (header X-Cloud-Admin-Key). Pass the key with --admin-key or set CLOUD_ADMIN_KEY.\n",
            run.Error.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task AnUnknownOptionAndAnUnreachableHostHaveTheirOwnCodes()
    {
        var unknown = await fixture.RunAsync("models", "ls", "--colour");
        var unreachable = await fixture.RunAsync("models", "ls", "--endpoint", "http://127.0.0.1:9");

        Assert.Equal(2, unknown.ExitCode);
        Assert.Single(unknown.Error.TrimEnd('\n').Split('\n'));
        Assert.Equal(5, unreachable.ExitCode);
        Assert.StartsWith("error: Could not reach http://127.0.0.1:9/", unreachable.Error, StringComparison.Ordinal);
        Assert.Single(unreachable.Error.TrimEnd('\n').Split('\n'));
    }
}
