using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Cloud.Host.Tests.Vertex;

/// <summary>
/// The published host started as Vertex AI starts the container: no arguments, its settings in environment variables
/// (AIP_*), nothing inherited that could change its mode. Output is captured so tests can read what it logged.
/// </summary>
internal sealed class ContainerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ContainerProcess(Process process)
    {
        _process = process;
    }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static ContainerProcess Start(string executable, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(executable)!,
        };
        foreach (var inherited in start.Environment.Keys.Where(k => k.StartsWith("AIP_", StringComparison.Ordinal) || k.StartsWith("ASPNETCORE_", StringComparison.Ordinal) || k == "STORAGE_EMULATOR_HOST").ToArray())
        {
            start.Environment.Remove(inherited);
        }

        start.Environment["DOTNET_SYSTEM_CONSOLE_ALLOW_ANSI_COLOR_REDIRECTION"] = "false";
        start.Environment["Logging__Console__ColorBehavior"] = "Disabled";
        // gRPC on any free port unless the test names one: containers of tests side by side would all want 8081.
        start.Environment["Cloud__Grpc__Port"] = "0";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var container = new ContainerProcess(new Process { StartInfo = start });
        container._process.OutputDataReceived += (_, e) => container.Append(e.Data);
        container._process.ErrorDataReceived += (_, e) => container.Append(e.Data);
        container._process.Start();
        container._process.BeginOutputReadLine();
        container._process.BeginErrorReadLine();
        return container;
    }

    /// <summary>A loopback port nothing listens on now (bound and let go, so the container can take it).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"The container did not exit within {timeout.TotalSeconds} s. Its output:\n{Output}");
        }

        return _process.ExitCode;
    }

    public bool HasExited => _process.HasExited;

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
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
}
