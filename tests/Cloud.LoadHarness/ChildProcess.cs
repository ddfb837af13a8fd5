using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Cloud.LoadHarness;

/// <summary>A server started as a child process on a free loopback port, ready once a POST to a path answers 200.</summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ChildProcess(Process process, string url)
    {
        _process = process;
        Url = url;
    }

    public string Url { get; }

    /// <summary>The child's process id.</summary>
    public int Id => _process.Id;

    /// <summary>The child's total CPU time so far (user + system, all threads).</summary>
    public TimeSpan CpuTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    public static async Task<ChildProcess> StartAsync(string program, IReadOnlyList<string> arguments, string probePath, byte[] probeBody, int pollMs = 50, IReadOnlyDictionary<string, string>? environment = null)
    {
        var url = $"http://127.0.0.1:{FreePort()}";
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        // gRPC on any free port unless the caller names one: several hosts run side by side here.
        start.Environment["Cloud__Grpc__Port"] = "0";
        foreach (var (name, value) in environment ?? Enumerable.Empty<KeyValuePair<string, string>>())
        {
            start.Environment[name] = value;
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(url);
        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine($"[{Path.GetFileName(program)}] {e.Data}"); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var child = new ChildProcess(process, url);
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{program} exited with {process.ExitCode} before answering");
            }

            try
            {
                using var response = await client.PostAsync(url + probePath, new ByteArrayContent(probeBody));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return child;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(pollMs);
        }

        await child.DisposeAsync();
        throw new TimeoutException($"{program} did not answer {probePath} with 200 within 60 s");
    }

    private bool _disposed;

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
