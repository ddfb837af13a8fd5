using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Cloud.Serving.Models;
using Cloud.Serving.Tensors;
using Microsoft.ML.OnnxRuntime;

namespace Cloud.LoadHarness;

/// <summary>
/// The serving benchmark of issue #4: the local host in a child process serving the MLP 256→1024→1024→10, one
/// 256-float row per request in TF-Serving row format, batching on vs off at several concurrencies, beside two
/// ceilings measured in the same run — a bare HTTP+JSON endpoint and raw in-process ORT at the batch sizes the
/// batcher formed — and the cold start of the host serving iris.
/// </summary>
internal static class ServeLoad
{
    private static readonly int[] AllConcurrencies = [1, 16, 64, 256];

    /// <param name="rounds">How many interleaved 1 s measurements each server gets at each concurrency.</param>
    /// <param name="batchedSettings">Extra host settings for the batched host only, e.g. --Cloud:Batching:NumBatchThreads 1.</param>
    /// <param name="only">Run only these concurrencies (all when empty).</param>
    /// <remarks>
    /// The three servers run side by side and are measured in turns (bare, unbatched, batched, then rotated), 1 s
    /// each, so a slow or fast moment of this shared machine falls on all three alike: the ratios are taken per
    /// round and their median is reported.
    /// </remarks>
    public static async Task<int> RunAsync(int rounds, IReadOnlyList<string> batchedSettings, IReadOnlyList<int> only)
    {
        var concurrencies = only.Count > 0 ? only.ToArray() : AllConcurrencies;
        var repo = Repo.Root;
        var mlpFolder = Path.Combine(repo, "samples", "models", "bench", "mlp");
        EnsureMlp(repo, mlpFolder);
        var body = MlpBody();
        Console.WriteLine($"batched host settings: {(batchedSettings.Count == 0 ? "defaults" : string.Join(' ', batchedSettings))}");
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {CpuModel()}, .NET {Environment.Version}, ORT {OrtEnv.Instance().GetVersionString()}; load generator on the same cores");
        Console.WriteLine($"{rounds} interleaved rounds of 1 s per server and concurrency, after {BenchServers.ServerWarmUp.TotalSeconds:F0} s of warm-up per server");

        var data = Directory.CreateTempSubdirectory("cloud-serve-").FullName;
        try
        {
            var seed = BenchServers.Seed(data, mlpFolder);
            Task<BenchServer> Host(bool batching) => BenchServers.StartHostAsync(batching ? "batched" : "unbatched",
                Path.Combine(data, batching ? "batched" : "unbatched"), seed,
                ["--Cloud:Batching:Enabled", batching ? "true" : "false", .. (batching ? batchedSettings : [])], body);

            await using var servers = new BenchServerSet();
            servers.Add(await BenchServers.StartBareAsync("bare", body));
            servers.Add(await Host(batching: false));
            servers.Add(await Host(batching: true));
            var batched = servers[2];
            await BenchServers.WarmUpAsync(servers, body);

            var points = new List<Point>();
            foreach (var c in concurrencies)
            {
                var before = await BatchTotalsAsync(batched.Process.Url);
                var measured = await BenchServers.MeasureAsync(servers, body, c, rounds);
                var after = await BatchTotalsAsync(batched.Process.Url);
                points.Add(new Point(c, measured[0], measured[1], measured[2],
                    after.Batches > before.Batches ? (after.Rows - before.Rows) / (double)(after.Batches - before.Batches) : 1));
            }

            Report(points);
            Console.WriteLine();
            Console.WriteLine("Raw ORT in-process (MLP, 1 intra-op thread per session, 2 runs in parallel like the batcher's 2 batch threads):");
            Console.WriteLine("| batch size | rows/s |");
            Console.WriteLine("|---:|---:|");
            foreach (var size in points.Select(p => Math.Max(1, (int)Math.Round(p.MeanBatch))).Append(1).Distinct().Order())
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {size} | {RawOrtRowsPerSecond(Path.Combine(mlpFolder, "model.onnx"), size):F0} |"));
            }
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }

        Console.WriteLine();
        if (only.Count > 0)
        {
            return 0; // a partial run is for tuning; the cold start belongs to the full report
        }

        var colds = new List<double>();
        for (var i = 0; i < 3; i++)
        {
            colds.Add(await ColdStartMsAsync(repo));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Cold start (process start → first successful iris prediction, fresh data directory, seeding and registration included): {string.Join(", ", colds.Select(c => c.ToString("F0", CultureInfo.InvariantCulture)))} ms; median {colds.Order().ElementAt(1):F0} ms"));
        return 0;
    }

    /// <summary>One concurrency: each server's rounds, in order, and the batch size the batched host formed.</summary>
    private sealed record Point(int Concurrency, List<LoadGenerator.Result> Bare, List<LoadGenerator.Result> Unbatched, List<LoadGenerator.Result> Batched, double MeanBatch);

    private static void Report(List<Point> points)
    {
        static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
        static string R((double Median, double Low, double High) r) => F($"**{r.Median:F2}** ({r.Low:F2}–{r.High:F2})");
        Console.WriteLine();
        Console.WriteLine("| concurrency | bare HTTP+JSON req/s | unbatched req/s | batched req/s | batched / unbatched | batched / bare | unbatched p50 / p99 ms | batched p50 / p99 ms | mean batch formed | errors |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var p in points)
        {
            var (bare, off, on) = (LoadGenerator.Result.Combine(p.Bare), LoadGenerator.Result.Combine(p.Unbatched), LoadGenerator.Result.Combine(p.Batched));
            Console.WriteLine(F($"| {p.Concurrency} | {bare.Throughput:F0} | {off.Throughput:F0} | {on.Throughput:F0} | {R(BenchServers.Ratio(p.Batched, p.Unbatched))} | {R(BenchServers.Ratio(p.Batched, p.Bare))} | {off.P50Ms:F2} / {off.P99Ms:F2} | {on.P50Ms:F2} / {on.P99Ms:F2} | {p.MeanBatch:F1} | {off.Errors + on.Errors + bare.Errors} |"));
            foreach (var r in new[] { off, on, bare }.Where(r => r.FirstError is not null))
            {
                Console.WriteLine($"  first error at concurrency {p.Concurrency}: {r.FirstError}");
            }
        }

        Console.WriteLine("(ratios: median of the per-round ratios, lowest–highest in brackets)");
        Console.WriteLine();
        Console.WriteLine("CPU per request in µs (server process / load generator), from each process's CPU time over the measured rounds:");
        Console.WriteLine("| concurrency | bare | unbatched | batched |");
        Console.WriteLine("|---:|---:|---:|---:|");
        foreach (var p in points)
        {
            static string Cpu(List<LoadGenerator.Result> r) => Cpu1(LoadGenerator.Result.Combine(r));
            static string Cpu1(LoadGenerator.Result r) => F($"{r.ServerCpuUs:F0} / {r.ClientCpuUs:F0}");
            Console.WriteLine($"| {p.Concurrency} | {Cpu(p.Bare)} | {Cpu(p.Unbatched)} | {Cpu(p.Batched)} |");
        }
    }

    /// <summary>Raw ORT on the MLP: rows/s and CPU µs per row by batch size, with one and with two runs in parallel.</summary>
    public static int RawOrt(IReadOnlyList<int> sizes)
    {
        var model = Path.Combine(Repo.Root, "samples", "models", "bench", "mlp", "model.onnx");
        EnsureMlp(Repo.Root, Path.GetDirectoryName(model)!);
        Console.WriteLine("| batch | 1 run: rows/s | µs per row | 2 in parallel: rows/s | CPU µs per row |");
        Console.WriteLine("|---:|---:|---:|---:|---:|");
        foreach (var size in sizes)
        {
            var one = RawOrtRowsPerSecond(model, size, 1);
            var two = RawOrtRowsPerSecond(model, size, 2);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {size} | {one:F0} | {1e6 / one:F1} | {two:F0} | {2e6 / two:F1} |"));
        }

        return 0;
    }

    private static double RawOrtRowsPerSecond(string model, int batch, int parallel = 2)
    {
        using var options = new Microsoft.ML.OnnxRuntime.SessionOptions { IntraOpNumThreads = 1 };
        using var session = new InferenceSession(model, options);
        var runner = new SessionRunner(session);
        NamedTensor[] input = [new("x", Tensor.Create(Enumerable.Range(0, batch * 256).Select(i => (i % 17) * 0.0625f - 0.5f).ToArray(), batch, 256))];
        for (var i = 0; i < 20; i++)
        {
            runner.Run(input);
        }

        long rows = 0;
        var clock = Stopwatch.StartNew();
        Parallel.For(0, parallel, _ =>
        {
            while (clock.Elapsed < TimeSpan.FromSeconds(2))
            {
                runner.Run(input);
                Interlocked.Add(ref rows, batch);
            }
        });
        return rows / clock.Elapsed.TotalSeconds;
    }

    private static async Task<double> ColdStartMsAsync(string repo)
    {
        var data = Directory.CreateTempSubdirectory("cloud-cold-").FullName;
        var body = """{"instances": [[5.1, 3.5, 1.4, 0.2]]}"""u8.ToArray();
        var clock = Stopwatch.StartNew();
        await using var host = await ChildProcess.StartAsync(HostAppHost(),
            ["--Cloud:Storage:DataDirectory", data, "--Cloud:Local:SeedModelsFrom", Path.Combine(repo, "samples", "models", "iris"), "--Logging:LogLevel:Default", "Warning"],
            "/v1/models/iris:predict", body, pollMs: 5);
        var elapsed = clock.Elapsed.TotalMilliseconds;
        await host.DisposeAsync();
        Directory.Delete(data, recursive: true);
        return elapsed;
    }

    internal static async Task<(long Batches, long Rows)> BatchTotalsAsync(string url)
    {
        using var client = new HttpClient();
        using var status = JsonDocument.Parse(await client.GetStringAsync(url + "/api/status"));
        long batches = 0, rows = 0;
        foreach (var loaded in status.RootElement.GetProperty("loaded").EnumerateArray())
        {
            if (loaded.TryGetProperty("batching", out var b) && b.ValueKind == JsonValueKind.Object)
            {
                batches += b.GetProperty("batches").GetInt64();
                rows += b.GetProperty("rows").GetInt64();
            }
        }

        return (batches, rows);
    }

    /// <summary>The benchmark's request: one row of 256 floats in TF-Serving row format.</summary>
    internal static byte[] MlpBody() =>
        Encoding.UTF8.GetBytes("{\"instances\": [[" + string.Join(", ", Enumerable.Range(0, 256).Select(i => ((i % 17) * 0.0625f - 0.5f).ToString("R", CultureInfo.InvariantCulture))) + "]]}");

    internal static void EnsureMlp(string repo, string mlpFolder)
    {
        if (File.Exists(Path.Combine(mlpFolder, "model.onnx")))
        {
            return;
        }

        using var python = Process.Start(new ProcessStartInfo("/usr/bin/python3", $"{Path.Combine(repo, "samples", "models", "bench", "generate.py")} --only mlp"))!;
        python.WaitForExit();
        if (python.ExitCode != 0 || !File.Exists(Path.Combine(mlpFolder, "model.onnx")))
        {
            throw new InvalidOperationException("Could not generate the MLP (needs Debian's python3-onnx and python3-numpy): samples/models/bench/generate.py --only mlp");
        }
    }

    internal static string HostAppHost() => Path.Combine(AppContext.BaseDirectory, "Cloud.Host");

    internal static string SelfAppHost() => Path.Combine(AppContext.BaseDirectory, "Cloud.LoadHarness");

    internal static string CpuModel() =>
        File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':')[1].Trim() ?? "unknown CPU";
}
