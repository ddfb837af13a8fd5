namespace Cloud.LoadHarness;

/// <summary>A server under load: a child process and the predict URL it answers.</summary>
internal sealed record BenchServer(string Name, ChildProcess Process, string Url);

/// <summary>
/// What the serving benchmark and the comparisons share: starting the bare endpoint and local hosts serving the
/// MLP, warming them up, and measuring them in interleaved turns.
/// </summary>
internal static class BenchServers
{
    /// <summary>Copies the MLP's model folder under <paramref name="data"/>; returns the folder to seed hosts from.</summary>
    public static string Seed(string data, string mlpFolder)
    {
        var seed = Path.Combine(data, "seed");
        Directory.CreateDirectory(Path.Combine(seed, "mlp"));
        foreach (var file in new[] { "model.json", "model.onnx" })
        {
            File.Copy(Path.Combine(mlpFolder, file), Path.Combine(seed, "mlp", file));
        }

        return seed;
    }

    public static async Task<BenchServer> StartBareAsync(string name, byte[] body)
    {
        var bare = await ChildProcess.StartAsync(ServeLoad.SelfAppHost(), ["bare-endpoint"], "/v1/models/x:predict", body);
        return new BenchServer(name, bare, bare.Url + "/v1/models/x:predict");
    }

    /// <summary>A local host with its own store, seeded with the MLP, with extra settings appended.</summary>
    public static async Task<BenchServer> StartHostAsync(string name, string store, string seed, IEnumerable<string> settings, byte[] body,
        string? program = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        // The store is also named by its keys from before settings had a section each, so that `compare` can run a
        // build of an earlier commit (@PATH) beside this one; each host ignores the keys it does not know.
        var host = await ChildProcess.StartAsync(program ?? ServeLoad.HostAppHost(),
            ["--Cloud:Storage:DataDirectory", store, "--Cloud:Local:SeedModelsFrom", seed, "--Cloud:DataDirectory", store, "--Cloud:SeedModelsFrom", seed,
                "--Logging:LogLevel:Default", "Warning", .. settings],
            "/v1/models/bench-mlp:predict", body, environment: environment);
        return new BenchServer(name, host, host.Url + "/v1/models/bench-mlp:predict");
    }

    /// <summary>
    /// Load on each fresh server until its tiered JIT has settled: in the first seconds the JIT's background thread
    /// takes a fifth of a core recompiling hot methods, which would charge a host with more code more than the bare
    /// endpoint.
    /// </summary>
    public static async Task WarmUpAsync(IEnumerable<BenchServer> servers, byte[] body)
    {
        foreach (var server in servers)
        {
            await LoadGenerator.RunAsync(server.Url, body, 64, TimeSpan.Zero, ServerWarmUp);
        }
    }

    /// <summary>
    /// Measures every server for 1 s per round, in turns whose order rotates each round, so a slow or fast moment of
    /// this shared machine falls on all of them alike. Returns each server's rounds, in the servers' order.
    /// </summary>
    public static async Task<List<LoadGenerator.Result>[]> MeasureAsync(IReadOnlyList<BenchServer> servers, byte[] body, int concurrency, int rounds)
    {
        var measured = servers.Select(_ => new List<LoadGenerator.Result>()).ToArray();
        for (var round = 0; round < rounds; round++)
        {
            for (var turn = 0; turn < servers.Count; turn++)
            {
                // The order rotates every round and runs backwards every other round, so no server always follows
                // the same one: a turn pays for what the turn before it leaves behind (its connections closing, its
                // threads winding down), and with a plain rotation the first server always followed the last.
                var index = (round % 2 == 0 ? round + turn : round + servers.Count - turn) % servers.Count;
                var server = servers[index];
                measured[index].Add(await LoadGenerator.RunAsync(server.Url, body, concurrency, RoundWarmUp, TimeSpan.FromSeconds(1), () => server.Process.CpuTime));
            }
        }

        return measured;
    }

    /// <summary>The median over rounds of one server's throughput divided by another's in the same round, with the lowest and highest.</summary>
    public static (double Median, double Low, double High) Ratio(IReadOnlyList<LoadGenerator.Result> over, IReadOnlyList<LoadGenerator.Result> under)
    {
        var ratios = over.Zip(under, (a, b) => a.Throughput / b.Throughput).Order().ToArray();
        return (ratios[ratios.Length / 2], ratios[0], ratios[^1]);
    }

    public static readonly TimeSpan ServerWarmUp = TimeSpan.FromSeconds(12);

    /// <summary>Before each 1 s round: new connections open and the server's queues settle at the new concurrency.</summary>
    private static readonly TimeSpan RoundWarmUp = TimeSpan.FromMilliseconds(300);
}

/// <summary>The servers of one benchmark, in the order they are reported; disposing stops them all.</summary>
internal sealed class BenchServerSet : List<BenchServer>, IAsyncDisposable
{
    public async ValueTask DisposeAsync()
    {
        foreach (var server in this)
        {
            await server.Process.DisposeAsync();
        }
    }
}
