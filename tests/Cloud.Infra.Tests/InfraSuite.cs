using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Cloud.Infra.Tests;

/// <summary>
/// infra/'s test suite, run once per test run: <c>npm ci</c> when its packages are missing or older than the lock
/// file, then <c>npm test</c> (tsc, then node's test runner with the spec reporter). Holds the exit code and the
/// output for the tests to judge.
/// </summary>
public sealed partial class InfraSuite : IAsyncLifetime
{
    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan TestTimeout = TimeSpan.FromMinutes(10);

    /// <summary>@pulumi/pulumi 3.248 (pinned in infra/package.json) needs Node.js 20 or later.</summary>
    public const int MinimumNodeMajor = 20;

    public static string Directory => Repo.File("infra");

    public int ExitCode { get; private set; } = -1;

    public string Output { get; private set; } = "";

    public async Task InitializeAsync()
    {
        if (MissingReason is not null)
        {
            return;
        }

        var npm = NodeJs.Find(OperatingSystem.IsWindows() ? "npm.cmd" : "npm")
            ?? throw new InvalidOperationException("'node' is on PATH but 'npm' is not: infra/'s packages cannot be installed.");
        if (NeedsInstall())
        {
            // --ignore-scripts: @pulumi/azure-native's install script fetches the provider plugin with the Pulumi CLI,
            // which mocks never use (and which need not exist here).
            var (code, output) = await RunAsync(npm, ["ci", "--ignore-scripts", "--no-audit", "--no-fund"], InstallTimeout);
            if (code != 0)
            {
                throw new InvalidOperationException($"'npm ci' in {Directory} failed with exit code {code}:\n{output}");
            }
        }

        (ExitCode, Output) = await RunAsync(npm, ["test"], TestTimeout);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>Why the suite cannot run here (no Node.js, or one too old), or null.</summary>
    public static string? MissingReason { get; } = FindMissingReason();

    /// <summary>The spec reporter's summary line, e.g. "ℹ fail 0"; null when the run did not get that far.</summary>
    public int? Count(string what)
    {
        var match = Regex.Match(Output, $@"^ℹ {what} (\d+)$", RegexOptions.Multiline);
        return match.Success ? int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : null;
    }

    /// <summary>The last lines of the output: enough for a failure message to show what failed.</summary>
    public string Tail(int lines = 80) => string.Join('\n', Output.Split('\n').TakeLast(lines));

    private static string? FindMissingReason()
    {
        if (NodeJs.Path is not { } node)
        {
            return "infra/'s tests run on Node.js, and 'node' is not on PATH.";
        }

        var version = Run(node, "--version");
        var major = VersionPattern().Match(version) is { Success: true } m ? int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
        return major >= MinimumNodeMajor ? null : $"infra/'s tests need Node.js {MinimumNodeMajor} or later; 'node --version' says '{version.Trim()}'.";
    }

    /// <summary>npm ci leaves node_modules/.package-lock.json; missing or older than package-lock.json means install again.</summary>
    private static bool NeedsInstall()
    {
        var installed = new FileInfo(Path.Combine(Directory, "node_modules", ".package-lock.json"));
        var locked = new FileInfo(Path.Combine(Directory, "package-lock.json"));
        return !installed.Exists || installed.LastWriteTimeUtc < locked.LastWriteTimeUtc;
    }

    private static async Task<(int Code, string Output)> RunAsync(string file, string[] arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(file, arguments)
        {
            WorkingDirectory = Directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // Plain text for the summary's parser and the failure message.
        start.Environment["NO_COLOR"] = "1";
        start.Environment.Remove("FORCE_COLOR");

        var output = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return (-1, $"'{Path.GetFileName(file)} {string.Join(' ', arguments)}' did not finish within {timeout.TotalMinutes} minutes. Its output:\n{Read(output)}");
        }

        process.WaitForExit(); // drains the redirected streams
        return (process.ExitCode, Read(output));
    }

    private static string Run(string file, string argument)
    {
        using var process = Process.Start(new ProcessStartInfo(file, [argument]) { RedirectStandardOutput = true, UseShellExecute = false })!;
        var text = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return text;
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is not null)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }

    private static string Read(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }

    [GeneratedRegex(@"^v(\d+)\.")]
    private static partial Regex VersionPattern();
}
