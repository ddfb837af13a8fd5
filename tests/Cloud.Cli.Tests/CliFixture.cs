using Cloud.Sdk.Tests.Hosting;
using Spectre.Console.Testing;

namespace Cloud.Cli.Tests;

/// <summary>One real local host on loopback per test class, and a way to run `cloud` in-process against it.</summary>
public sealed class CliFixture : IAsyncLifetime
{
    public LoopbackHost Host { get; private set; } = null!;

    public async Task InitializeAsync() => Host = await LoopbackHost.StartAsync();

    public async Task DisposeAsync() => await Host.DisposeAsync();

    /// <summary>
    /// Runs `cloud` with the host's endpoint and admin key (unless the arguments give their own), on a TestConsole that
    /// is a terminal or not, with no environment variables, and returns the exit code, stdout and stderr.
    /// </summary>
    public async Task<CliRun> RunAsync(bool terminal, params string[] args)
    {
        using var console = new TestConsole().Width(200);
        if (terminal)
        {
            console.Interactive().SupportsAnsi(true);
        }

        var error = new StringWriter();
        var withHost = args.Concat(args.Contains("--endpoint") || args[0] is "init" or "completion" or "--version" ? [] : new[] { "--endpoint", Host.Endpoint.ToString() })
            .Concat(args.Contains("--admin-key") || args[0] is "init" or "completion" or "--version" ? [] : new[] { "--admin-key", LoopbackHost.AdminKey }).ToArray();
        var code = await CloudCli.RunAsync(withHost, new CliEnvironment(console, error, _ => null));
        return new CliRun(code, console.Output, error.ToString());
    }

    public Task<CliRun> RunAsync(params string[] args) => RunAsync(terminal: false, args);
}

public sealed record CliRun(int ExitCode, string Out, string Error)
{
    public System.Text.Json.JsonElement Json => System.Text.Json.JsonDocument.Parse(Out).RootElement;
}
