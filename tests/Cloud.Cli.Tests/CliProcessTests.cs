using System.Diagnostics;
using Cloud.Sdk.Tests.Hosting;

namespace Cloud.Cli.Tests;

/// <summary>`cloud` as a real process with redirected output, as a script runs it: JSON on stdout, no progress, no escapes.</summary>
public sealed class CliProcessTests(CliFixture fixture) : IClassFixture<CliFixture>
{
    [Fact]
    public async Task RedirectedOutputIsPlainAndJsonParses()
    {
        var list = await RunAsync("models", "ls", "--json");
        var push = await RunAsync("models", "push", LoopbackHost.IrisFolder("8.0.0"));
        var missing = await RunAsync("models", "show", "ghost");

        Assert.True(list.ExitCode == 0, list.Error);
        Assert.Contains(list.Json.EnumerateArray(), m => m.GetProperty("name").GetString() == "iris");
        Assert.True(push.ExitCode == 0, push.Error);
        Assert.StartsWith("Pushed iris 8.0.0: registered (", push.Out, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', list.Out + push.Out);
        Assert.DoesNotContain("%", push.Out, StringComparison.Ordinal);
        Assert.Equal(3, missing.ExitCode);
        Assert.Equal("error: Model 'ghost' is not registered.\n", missing.Error.ReplaceLineEndings("\n"));
    }

    /// <summary>
    /// The tool as its own build left it (with its deps.json), not the copy in this project's output, whose neighbours
    /// are the host's dependencies: that is how `dotnet tool install` lays it out too.
    /// </summary>
    private static string ToolPath()
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var path = Path.Combine(Repo.Root, "sdk", "Cloud.Cli", "bin", configuration, "net10.0", "cloud.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"The cloud tool is not built at {path}; build sdk/Cloud.Cli first.");
    }

    private async Task<CliRun> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(ToolPath());
        foreach (var arg in args.Concat(["--endpoint", fixture.Host.Endpoint.ToString(), "--admin-key", LoopbackHost.AdminKey]))
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TestTimeout.Value);
        await process.WaitForExitAsync(timeout.Token);
        return new CliRun(process.ExitCode, await stdout, await stderr);
    }
}
