using System.Diagnostics;
using Cloud.Host.Tests.Http;
using Xunit.Abstractions;

namespace Cloud.Host.Tests.Grpc;

/// <summary>
/// Clients that are not ours, against the real local host on loopback (Kestrel, its h2c port): Debian's grpcio with
/// the canonical proto compiled by Debian's protoc (oip_grpc_client.py), and binary tensor data bodies built by hand
/// with Python's struct from Triton's documentation (oip_binary_http_client.py). Each script uploads its models (built
/// with onnx.helper), drives the protocol, compares outputs with what numpy computes, and checks that bad input gets a
/// clear status and message; it exits non-zero on the first difference, which this test shows.
/// </summary>
public sealed class IndependentClientTests(ITestOutputHelper output) : IAsyncLifetime
{
    private ServingHost _host = null!;

    public async Task InitializeAsync() => _host = await ServingHost.StartOverLoopbackAsync(("Logging:LogLevel:Default", "Warning"));

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [PythonFact("grpc", "grpc_tools", "numpy", "onnx")]
    public async Task GrpcClientFromTheCanonicalProtoDrivesEveryRpcRawAndTyped()
    {
        var grpc = _host.GrpcAddress!;
        var outcome = await RunAsync("oip_grpc_client.py", Repo.File("protos"), _host.Client.BaseAddress!.ToString().TrimEnd('/'), $"{grpc.Host}:{grpc.Port}");
        Assert.Contains("ok ModelInfer py-half raw", outcome, StringComparison.Ordinal);
        Assert.Contains("ok ModelInfer py-strings typed", outcome, StringComparison.Ordinal);
        Assert.Contains("ok ModelStreamInfer", outcome, StringComparison.Ordinal);
        Assert.Contains("18 checks passed", outcome, StringComparison.Ordinal);
    }

    [PythonFact("numpy", "onnx")]
    public async Task BinaryHttpBodiesBuiltByHandAreAnsweredPerTheExtension()
    {
        var outcome = await RunAsync("oip_binary_http_client.py", _host.Client.BaseAddress!.ToString().TrimEnd('/'));
        Assert.Contains("ok binary inputs py-strings, binary outputs", outcome, StringComparison.Ordinal);
        Assert.Contains("11 checks passed", outcome, StringComparison.Ordinal);
    }

    private async Task<string> RunAsync(string script, params string[] arguments)
    {
        var folder = Repo.File("tests", "Cloud.Host.Tests", "Grpc");
        var start = new ProcessStartInfo(PythonFactAttribute.Python)
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(folder, script));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // No proxy between the client and loopback (grpcio honours http_proxy).
        start.Environment["no_proxy"] = "127.0.0.1,localhost";
        start.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        var text = await stdout + await stderr;
        output.WriteLine(text);
        Assert.True(process.ExitCode == 0, $"{script} failed:\n{text}");
        return text;
    }
}
