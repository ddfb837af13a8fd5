using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Cloud.OnnxRuntime;

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

    /// <param name="duration">How long each point is measured (after a 1 s warm-up).</param>
    /// <param name="batchedSettings">Extra host settings for the batched runs only, e.g. --Cloud:Cache:Batching:NumBatchThreads 1.</param>
    /// <param name="only">Run only these concurrencies (all when empty).</param>
    public static async Task<int> RunAsync(TimeSpan duration, IReadOnlyList<string> batchedSettings, IReadOnlyList<int> only)
    {
        var Concurrencies = only.Count > 0 ? only.ToArray() : AllConcurrencies;
        var repo = Repo.Root;
        var mlpFolder = Path.Combine(repo, "samples", "models", "bench", "mlp");
        EnsureMlp(repo, mlpFolder);
        var body = Encoding.UTF8.GetBytes("{\"instances\": [[" + string.Join(", ", Enumerable.Range(0, 256).Select(i => ((i % 17) * 0.0625f - 0.5f).ToString("R", CultureInfo.InvariantCulture))) + "]]}");
        var warmup = TimeSpan.FromSeconds(1);
        Console.WriteLine($"batched host settings: {(batchedSettings.Count == 0 ? "defaults" : string.Join(' ', batchedSettings))}");
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {CpuModel()}, .NET {Environment.Version}, ORT {OrtEnvironment.Version}; load generator on the same cores");

        var rows = new List<string>();
        var formed = new Dictionary<int, double>();
        var bare = new Dictionary<int, LoadGenerator.Result>();
        await using (var endpoint = await ChildProcess.StartAsync(SelfAppHost(), ["bare-endpoint"], "/v1/models/x:predict", body))
        {
            foreach (var c in Concurrencies)
            {
                bare[c] = await LoadGenerator.RunAsync(endpoint.Url + "/v1/models/x:predict", body, c, warmup, duration);
            }
        }

        var results = new Dictionary<(bool, int), LoadGenerator.Result>();
        foreach (var batching in new[] { false, true })
        {
            var data = Directory.CreateTempSubdirectory("cloud-serve-").FullName;
            var seed = Path.Combine(data, "seed", "mlp");
            Directory.CreateDirectory(seed);
            foreach (var file in new[] { "model.json", "model.onnx" })
            {
                File.Copy(Path.Combine(mlpFolder, file), Path.Combine(seed, file));
            }

            await using (var host = await ChildProcess.StartAsync(HostAppHost(),
                ["--Cloud:DataDirectory", Path.Combine(data, "store"), "--Cloud:SeedModelsFrom", Path.GetDirectoryName(seed)!,
                 "--Cloud:Cache:Batching:Enabled", batching ? "true" : "false", "--Logging:LogLevel:Default", "Warning", .. (batching ? batchedSettings : [])],
                "/v1/models/bench-mlp:predict", body))
            {
                foreach (var c in Concurrencies)
                {
                    var before = await BatchTotalsAsync(host.Url);
                    results[(batching, c)] = await LoadGenerator.RunAsync(host.Url + "/v1/models/bench-mlp:predict", body, c, warmup, duration);
                    var after = await BatchTotalsAsync(host.Url);
                    if (batching && after.Batches > before.Batches)
                    {
                        formed[c] = (after.Rows - before.Rows) / (double)(after.Batches - before.Batches);
                    }
                }
            }

            Directory.Delete(data, recursive: true);
        }

        Console.WriteLine();
        Console.WriteLine("| concurrency | bare HTTP+JSON req/s | unbatched req/s | batched req/s | batched / unbatched | batched / bare | unbatched p50 / p99 ms | batched p50 / p99 ms | mean batch formed | errors |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var c in Concurrencies)
        {
            var off = results[(false, c)];
            var on = results[(true, c)];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {c} | {bare[c].Throughput:F0} | {off.Throughput:F0} | {on.Throughput:F0} | {on.Throughput / off.Throughput:F2} | {on.Throughput / bare[c].Throughput:F2} | {off.P50Ms:F2} / {off.P99Ms:F2} | {on.P50Ms:F2} / {on.P99Ms:F2} | {formed.GetValueOrDefault(c, 1):F1} | {off.Errors + on.Errors + bare[c].Errors} |"));
            foreach (var r in new[] { off, on, bare[c] }.Where(r => r.FirstError is not null))
            {
                Console.WriteLine($"  first error at concurrency {c}: {r.FirstError}");
            }
        }

        Console.WriteLine();
        Console.WriteLine("Raw ORT in-process (MLP, 1 intra-op thread per session, 2 runs in parallel like the batcher's 2 batch threads):");
        Console.WriteLine("| batch size | rows/s |");
        Console.WriteLine("|---:|---:|");
        foreach (var size in formed.Values.Select(f => Math.Max(1, (int)Math.Round(f))).Append(1).Distinct().Order())
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {size} | {RawOrtRowsPerSecond(Path.Combine(mlpFolder, "model.onnx"), size):F0} |"));
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

    private static double RawOrtRowsPerSecond(string model, int batch)
    {
        using var session = InferenceSession.Open(model, new SessionOptions { IntraOpThreads = 1 });
        var input = Tensor.Create(Enumerable.Range(0, batch * 256).Select(i => (i % 17) * 0.0625f - 0.5f).ToArray(), batch, 256);
        for (var i = 0; i < 20; i++)
        {
            session.Run("x", input);
        }

        long rows = 0;
        var clock = Stopwatch.StartNew();
        Parallel.For(0, 2, _ =>
        {
            while (clock.Elapsed < TimeSpan.FromSeconds(2))
            {
                session.Run("x", input);
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
            ["--Cloud:DataDirectory", data, "--Cloud:SeedModelsFrom", Path.Combine(repo, "samples", "models", "iris"), "--Logging:LogLevel:Default", "Warning"],
            "/v1/models/iris:predict", body, pollMs: 5);
        var elapsed = clock.Elapsed.TotalMilliseconds;
        await host.DisposeAsync();
        Directory.Delete(data, recursive: true);
        return elapsed;
    }

    private static async Task<(long Batches, long Rows)> BatchTotalsAsync(string url)
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

    private static void EnsureMlp(string repo, string mlpFolder)
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

    private static string HostAppHost() => Path.Combine(AppContext.BaseDirectory, "Cloud.Functions");

    private static string SelfAppHost() => Path.Combine(AppContext.BaseDirectory, "Cloud.LoadHarness");

    private static string CpuModel() =>
        File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':')[1].Trim() ?? "unknown CPU";
}
