using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace Cloud.TestSupport;

/// <summary>
/// Runs the Azurite storage emulator (pinned in tests/azurite/package.json) on free loopback ports for the length of
/// a test run: installs it with <c>npm ci</c> when needed, starts blob and table services in memory, waits until
/// they accept connections, and kills the process tree at the end. Does nothing when Node.js is missing (the
/// tests that need it are reported as skipped).
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(5);

    private readonly StringBuilder _output = new();
    private Process? _process;
    private DirectoryInfo? _workspace;

    /// <summary>The emulator's well-known account (the same in every Azurite; Microsoft publishes it).</summary>
    public const string DevelopmentAccountName = "devstoreaccount1";

    /// <summary>The well-known account's key: public, and only ever valid for the emulator.</summary>
    public const string DevelopmentAccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    /// <summary>A connection string for the emulator's well-known account, with this run's endpoints.</summary>
    public string ConnectionString { get; private set; } = "";

    public Uri BlobEndpoint { get; private set; } = null!;

    public Uri TableEndpoint { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (NodeJs.Path is not { } node)
        {
            return;
        }

        var package = FindPackageDirectory();
        await EnsureInstalledAsync(package);
        var entry = Path.Combine(package, "node_modules", "azurite", "dist", "src", "azurite.js");
        _workspace = Directory.CreateTempSubdirectory("cloud-azurite-");

        // Ports are picked by binding to port 0 and letting go, so another process can take one in between: retry.
        for (var attempt = 1; ; attempt++)
        {
            var (blob, queue, table) = (FreePort(), FreePort(), FreePort());
            if (await TryStartAsync(node, entry, blob, queue, table))
            {
                BlobEndpoint = new Uri($"http://127.0.0.1:{blob}/{DevelopmentAccountName}");
                TableEndpoint = new Uri($"http://127.0.0.1:{table}/{DevelopmentAccountName}");
                ConnectionString =
                    $"DefaultEndpointsProtocol=http;AccountName={DevelopmentAccountName};" +
                    $"AccountKey={DevelopmentAccountKey};BlobEndpoint={BlobEndpoint};TableEndpoint={TableEndpoint};";
                return;
            }

            if (attempt == 3)
            {
                throw new InvalidOperationException($"Azurite did not start after {attempt} attempts. Its output:\n{Output()}");
            }
        }
    }

    public async Task DisposeAsync()
    {
        if (_process is not null)
        {
            await StopAsync(_process);
            _process.Dispose();
        }

        try
        {
            _workspace?.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by a dying process; the temp folder is cleaned by the OS eventually.
        }
    }

    private async Task<bool> TryStartAsync(string node, string entry, int blob, int queue, int table)
    {
        var start = new ProcessStartInfo(node)
        {
            WorkingDirectory = _workspace!.FullName,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };

        // --inMemoryPersistence keeps nothing on disk (Azurite refuses it together with --location, so the working
        // directory is the temp workspace instead); --disableTelemetry because tests may only talk to loopback.
        foreach (var argument in new[]
        {
            entry,
            "--blobHost", "127.0.0.1", "--blobPort", $"{blob}",
            "--queueHost", "127.0.0.1", "--queuePort", $"{queue}",
            "--tableHost", "127.0.0.1", "--tablePort", $"{table}",
            "--inMemoryPersistence", "--silent", "--skipApiVersionCheck", "--loose", "--disableTelemetry",
        })
        {
            start.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < StartTimeout)
        {
            if (process.HasExited)
            {
                Append($"(azurite exited with code {process.ExitCode})");
                process.Dispose();
                return false;
            }

            if (await AcceptsAsync(blob) && await AcceptsAsync(table))
            {
                _process = process;
                return true;
            }

            await Task.Delay(100);
        }

        await StopAsync(process);
        process.Dispose();
        throw new TimeoutException($"Azurite did not accept connections on 127.0.0.1:{blob} and :{table} within {StartTimeout.TotalSeconds} s. Its output:\n{Output()}");
    }

    private static async Task<bool> AcceptsAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static async Task StopAsync(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (Exception e) when (e is InvalidOperationException or OperationCanceledException)
        {
            // Already gone, or not gone after the kill: nothing more a test run can do.
        }
    }

    /// <summary>Runs <c>npm ci</c> once, even when several test processes start at the same moment.</summary>
    private static async Task EnsureInstalledAsync(string package)
    {
        var installed = Path.Combine(package, "node_modules", "azurite", "dist", "src", "azurite.js");
        if (File.Exists(installed))
        {
            return;
        }

        var lockName = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(package)))[..16];
        await using var installLock = await AcquireLockAsync(Path.Combine(Path.GetTempPath(), $"cloud-azurite-install-{lockName}.lock"));
        if (File.Exists(installed))
        {
            return; // another process installed it while this one waited
        }

        var npm = NodeJs.Find(OperatingSystem.IsWindows() ? "npm.cmd" : "npm")
            ?? throw new InvalidOperationException($"Azurite is not installed in {package} and 'npm' is not on PATH to install it.");
        var start = new ProcessStartInfo(npm, ["ci", "--ignore-scripts", "--no-audit", "--no-fund"])
        {
            WorkingDirectory = package,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(InstallTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"'npm ci' in {package} did not finish within {InstallTimeout.TotalMinutes} minutes.");
        }

        if (process.ExitCode != 0 || !File.Exists(installed))
        {
            throw new InvalidOperationException($"'npm ci' in {package} failed with exit code {process.ExitCode}:\n{await stdout}\n{await stderr}");
        }
    }

    private static async Task<FileStream> AcquireLockAsync(string path)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (waited.Elapsed < InstallTimeout)
            {
                await Task.Delay(250);
            }
        }
    }

    private static string FindPackageDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "tests", "azurite");
            if (File.Exists(Path.Combine(candidate, "package.json")))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException($"tests/azurite/package.json was not found above {AppContext.BaseDirectory}.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }

    private string Output()
    {
        lock (_output)
        {
            return _output.ToString();
        }
    }
}
