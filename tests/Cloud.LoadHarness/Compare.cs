using System.Globalization;
using System.Text;

namespace Cloud.LoadHarness;

/// <summary>
/// For tuning: several host configurations (or "bare") serving the MLP side by side, measured in interleaved 1 s
/// turns at one concurrency, each reported against the first. Each configuration is one argument holding the host
/// settings, e.g. "--Cloud:Cache:Batching:NumBatchThreads 1", optionally after "@PATH" to another build of the host, and NAME=value environment variables.
/// </summary>
internal static class Compare
{
    public static async Task<int> RunAsync(int rounds, int concurrency, IReadOnlyList<string> configurations)
    {
        var repo = Repo.Root;
        var mlpFolder = Path.Combine(repo, "samples", "models", "bench", "mlp");
        ServeLoad.EnsureMlp(repo, mlpFolder);
        var body = ServeLoad.MlpBody();
        var data = Directory.CreateTempSubdirectory("cloud-compare-").FullName;
        var servers = new List<(string Name, ChildProcess Process, string Url)>();
        try
        {
            Directory.CreateDirectory(Path.Combine(data, "seed", "mlp"));
            foreach (var file in new[] { "model.json", "model.onnx" })
            {
                File.Copy(Path.Combine(mlpFolder, file), Path.Combine(data, "seed", "mlp", file));
            }

            for (var i = 0; i < configurations.Count; i++)
            {
                var name = configurations[i];
                if (name == "bare")
                {
                    var bare = await ChildProcess.StartAsync(ServeLoad.SelfAppHost(), ["bare-endpoint"], "/v1/models/x:predict", body);
                    servers.Add((name, bare, bare.Url + "/v1/models/x:predict"));
                    continue;
                }

                // "@/path/to/Cloud.Functions --Key value": another build of the host, e.g. the commit before a change.
                var words = name.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                var program = words.Length > 0 && words[0].StartsWith('@') ? words[0][1..] : ServeLoad.HostAppHost();
                var host = await ChildProcess.StartAsync(program,
                    ["--Cloud:DataDirectory", Path.Combine(data, $"store{i}"), "--Cloud:SeedModelsFrom", Path.Combine(data, "seed"),
                     "--Logging:LogLevel:Default", "Warning", .. words.SkipWhile(w => w.StartsWith('@')).Where(w => !IsVariable(w))],
                    "/v1/models/bench-mlp:predict", body,
                    environment: words.Where(IsVariable).Select(w => w.Split('=', 2)).ToDictionary(p => p[0], p => p[1]));
                servers.Add((name, host, host.Url + "/v1/models/bench-mlp:predict"));
            }

            foreach (var server in servers)
            {
                await LoadGenerator.RunAsync(server.Url, body, 64, TimeSpan.Zero, ServeLoad.ServerWarmUp);
            }

            var measured = servers.Select(_ => new List<LoadGenerator.Result>()).ToArray();
            var before = await Task.WhenAll(servers.Select(s => BatchTotalsAsync(s.Name, s.Process.Url)));
            for (var round = 0; round < rounds; round++)
            {
                for (var turn = 0; turn < servers.Count; turn++)
                {
                    var index = (round + turn) % servers.Count;
                    var (_, process, url) = servers[index];
                    measured[index].Add(await LoadGenerator.RunAsync(url, body, concurrency, ServeLoad.RoundWarmUp, TimeSpan.FromSeconds(1), () => process.CpuTime));
                }
            }

            var after = await Task.WhenAll(servers.Select(s => BatchTotalsAsync(s.Name, s.Process.Url)));
            Console.WriteLine($"concurrency {concurrency}, {rounds} interleaved rounds of 1 s");
            Console.WriteLine("| configuration | req/s | ÷ first (median, range) | server / client CPU µs per request | p50 / p99 ms | mean batch |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|");
            for (var i = 0; i < servers.Count; i++)
            {
                var all = LoadGenerator.Result.Combine(measured[i]);
                var ratios = measured[i].Zip(measured[0], (a, b) => a.Throughput / b.Throughput).Order().ToArray();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {servers[i].Name} | {all.Throughput:F0} | {ratios[ratios.Length / 2]:F2} ({ratios[0]:F2}–{ratios[^1]:F2}) | {all.ServerCpuUs:F0} / {all.ClientCpuUs:F0} | {all.P50Ms:F2} / {all.P99Ms:F2} | {(after[i].Rows - before[i].Rows) / (double)Math.Max(1, after[i].Batches - before[i].Batches):F1} |"));
            }
        }
        finally
        {
            foreach (var server in servers)
            {
                await server.Process.DisposeAsync();
            }

            Directory.Delete(data, recursive: true);
        }

        return 0;
    }

    private static Task<(long Batches, long Rows)> BatchTotalsAsync(string name, string url) =>
        name == "bare" ? Task.FromResult((0L, 0L)) : ServeLoad.BatchTotalsAsync(url);

    /// <summary>NAME=value: an environment variable for that host, e.g. DOTNET_gcServer=0.</summary>
    private static bool IsVariable(string word) => !word.StartsWith('-') && !word.StartsWith('@') && word.Contains('=', StringComparison.Ordinal);
}
