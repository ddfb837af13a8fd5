using System.Globalization;

namespace Cloud.LoadHarness;

/// <summary>
/// For tuning: several host configurations (or "bare") serving the MLP side by side, measured in interleaved 1 s
/// turns at one concurrency, each reported against the first. Each configuration is one argument holding the host
/// settings, e.g. "--Cloud:Batching:NumBatchThreads 1", optionally after "@PATH" to another build of the host, and NAME=value environment variables.
/// </summary>
internal static class Compare
{
    /// <param name="scrapeEvery">When set, every host is scraped at /metrics this often while it is measured (TelemetryOverhead).</param>
    public static async Task<int> RunAsync(int rounds, int concurrency, IReadOnlyList<string> configurations, TimeSpan? scrapeEvery = null)
    {
        var repo = Repo.Root;
        var mlpFolder = Path.Combine(repo, "samples", "models", "bench", "mlp");
        ServeLoad.EnsureMlp(repo, mlpFolder);
        var body = ServeLoad.MlpBody();
        var data = Directory.CreateTempSubdirectory("cloud-compare-").FullName;
        try
        {
            var seed = BenchServers.Seed(data, mlpFolder);
            await using var servers = new BenchServerSet();
            for (var i = 0; i < configurations.Count; i++)
            {
                var name = configurations[i];
                if (name == "bare")
                {
                    servers.Add(await BenchServers.StartBareAsync(name, body));
                    continue;
                }

                // "@/path/to/Cloud.Host --Key value": another build of the host, e.g. the commit before a change.
                var words = name.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                servers.Add(await BenchServers.StartHostAsync(name, Path.Combine(data, $"store{i}"), seed,
                    words.Where(w => !w.StartsWith('@') && !IsVariable(w)), body,
                    program: words.FirstOrDefault(w => w.StartsWith('@'))?[1..],
                    environment: words.Where(IsVariable).Select(w => w.Split('=', 2)).ToDictionary(p => p[0], p => p[1])));
            }

            await BenchServers.WarmUpAsync(servers, body);
            var before = await Task.WhenAll(servers.Select(s => BatchTotalsAsync(s.Name, s.Process.Url)));
            using var stopScraping = new CancellationTokenSource();
            var scraping = scrapeEvery is { } every ? TelemetryOverhead.ScrapeAsync(servers, every, stopScraping.Token) : Task.CompletedTask;
            var measured = await BenchServers.MeasureAsync(servers, body, concurrency, rounds);
            await stopScraping.CancelAsync();
            await scraping;
            var after = await Task.WhenAll(servers.Select(s => BatchTotalsAsync(s.Name, s.Process.Url)));
            Console.WriteLine($"concurrency {concurrency}, {rounds} interleaved rounds of 1 s");
            Console.WriteLine("| configuration | req/s | ÷ first (median, range) | server / client CPU µs per request | p50 / p99 ms | mean batch |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|");
            for (var i = 0; i < servers.Count; i++)
            {
                var all = LoadGenerator.Result.Combine(measured[i]);
                var (median, low, high) = BenchServers.Ratio(measured[i], measured[0]);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {servers[i].Name} | {all.Throughput:F0} | {median:F2} ({low:F2}–{high:F2}) | {all.ServerCpuUs:F0} / {all.ClientCpuUs:F0} | {all.P50Ms:F2} / {all.P99Ms:F2} | {(after[i].Rows - before[i].Rows) / (double)Math.Max(1, after[i].Batches - before[i].Batches):F1} |"));
            }
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }

        return 0;
    }

    private static Task<(long Batches, long Rows)> BatchTotalsAsync(string name, string url) =>
        name == "bare" ? Task.FromResult((0L, 0L)) : ServeLoad.BatchTotalsAsync(url);

    /// <summary>NAME=value: an environment variable for that host, e.g. DOTNET_gcServer=0.</summary>
    private static bool IsVariable(string word) => !word.StartsWith('-') && !word.StartsWith('@') && word.Contains('=', StringComparison.Ordinal);
}
