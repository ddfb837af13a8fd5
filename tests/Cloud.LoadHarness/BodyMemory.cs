using System.Diagnostics;
using System.Globalization;
using System.Text;
using Cloud.TestSupport;
using Microsoft.ML.OnnxRuntime;

namespace Cloud.LoadHarness;

/// <summary>
/// Issue #16's memory bound under large bodies: 10 MB prediction bodies at concurrency 256 against a host with the
/// bound on body bytes in flight (Cloud:Serving:MaxRequestBodyBytesInFlight, 256 MiB by default) and against the same
/// host with the bound lifted, one after the other. The host's resident set is sampled every 50 ms during the load
/// (the peak), and 10 s and 60 s after it ends (what it keeps: the body budget's collection runs a second after the
/// burst; Kestrel's pool gives back 5% of its blocks every 10 s). The model sums a [1, n] row (ReduceSum), so answers are small
/// and what grows is what the bodies take.
/// </summary>
internal static class BodyMemory
{
    private const int Elements = 2_500_000; // "0.5," × 2.5 M ≈ 10.0 MB, under the 10 MiB body limit

    public static async Task<int> RunAsync(int seconds, int concurrency)
    {
        // HttpClient, which sends "Expect: 100-continue" for these bodies as curl does, so a refused request costs no
        // upload; the raw and epoll clients write each request whole before they read.
        Environment.SetEnvironmentVariable("CLOUD_LOAD_CLIENT", "httpclient");
        var data = Directory.CreateTempSubdirectory("cloud-body-memory").FullName;
        try
        {
            var seed = Path.Combine(data, "seed", "reduce");
            Directory.CreateDirectory(seed);
            await File.WriteAllBytesAsync(Path.Combine(seed, "model.onnx"), OnnxModelBuilder.Model("ReduceSum", new OnnxModelBuilder.Input("x", TensorElementType.Float, "a", "b")));
            await File.WriteAllTextAsync(Path.Combine(seed, "model.json"), """{"name": "reduce", "version": "1.0.0", "format": "onnx", "modelFile": "model.onnx"}""");
            var body = Body(Elements);
            Console.WriteLine($"machine: {Environment.ProcessorCount} cores; body {body.Length:N0} bytes; concurrency {concurrency}; {seconds} s of load per host; load generator on the same cores");
            Console.WriteLine("| host | 200 | refused or failed | first refusal | peak RSS | RSS 10 s after | 60 s after |");
            Console.WriteLine("|---|---:|---:|---|---:|---:|---:|");
            var configurations = new (string Name, string[] Settings)[]
            {
                ("bound 256 MiB (default)", []),
                ("bound lifted (1 TiB)", ["--Cloud:Serving:MaxRequestBodyBytesInFlight", "1099511627776"]),
            };
            foreach (var (name, settings) in configurations)
            {
                var store = Path.Combine(data, "store-" + Guid.NewGuid().ToString("N"));
                await using var host = await ChildProcess.StartAsync(ServeLoad.HostAppHost(),
                    ["--Cloud:Storage:DataDirectory", store, "--Cloud:Local:SeedModelsFrom", Path.Combine(data, "seed"), "--Logging:LogLevel:Default", "Warning", .. settings],
                    "/v2/models/reduce/infer", Body(4));
                using var sampling = new CancellationTokenSource();
                var peak = SamplePeakAsync(host.Id, sampling.Token);
                var result = await LoadGenerator.RunAsync(host.Url + "/v2/models/reduce/infer", body, concurrency, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(seconds));
                await sampling.CancelAsync();
                var peakBytes = await peak;
                await Task.Delay(TimeSpan.FromSeconds(10));
                var after = ResidentBytes(host.Id);
                await Task.Delay(TimeSpan.FromSeconds(50));
                var later = ResidentBytes(host.Id);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {name} | {result.Requests} | {result.Errors} | {Shorten(result.FirstError)} | {peakBytes / 1048576.0:F0} MiB | {after / 1048576.0:F0} MiB | {later / 1048576.0:F0} MiB |"));
            }
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }

        return 0;
    }

    private static byte[] Body(int elements)
    {
        var text = new StringBuilder(elements * 4 + 128);
        text.Append(CultureInfo.InvariantCulture, $$"""{"inputs":[{"name":"x","shape":[1,{{elements}}],"datatype":"FP32","data":[""");
        for (var i = 0; i < elements; i++)
        {
            text.Append(i == 0 ? "0.5" : ",0.5");
        }

        text.Append("]}]}");
        return Encoding.ASCII.GetBytes(text.ToString());
    }

    private static async Task<long> SamplePeakAsync(int pid, CancellationToken stop)
    {
        var peak = 0L;
        while (!stop.IsCancellationRequested)
        {
            peak = Math.Max(peak, ResidentBytes(pid));
            try
            {
                await Task.Delay(50, stop);
            }
            catch (OperationCanceledException)
            {
            }
        }

        return peak;
    }

    /// <summary>VmRSS of another process, from /proc.</summary>
    private static long ResidentBytes(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
    }

    private static string Shorten(string? error) => error is null ? "" : error.Length > 60 ? error[..60] + "…" : error;
}
