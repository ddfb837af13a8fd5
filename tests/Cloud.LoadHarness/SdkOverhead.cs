using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Cloud.Sdk.Prediction;

namespace Cloud.LoadHarness;

/// <summary>
/// What PredictionClient costs the caller: client CPU per call of the SDK against raw HttpClient with a hand-built
/// body, at concurrency 1 and 64, against one local host (a child process, so its CPU is not the client's), in
/// interleaved 1 s turns. Four clients: "raw" posts prebuilt bytes and reads the answer's bytes; "sdk json" sends the
/// same prebuilt bytes through PredictJsonAsync (the SDK's pipeline, headers and answer parsing alone); "sdk typed"
/// calls PredictAsync(float[][]) (the SDK also writes the body from floats each call, as an app does), compared with a
/// fourth, "raw, body from floats", that writes the same body by hand with a Utf8JsonWriter each call. One operation =
/// one predict call of one iris row (4 floats), the smallest request, where the client's share is largest.
/// </summary>
internal static class SdkOverhead
{
    private static readonly float[][] Row = [[5.1f, 3.5f, 1.4f, 0.2f]];

    public static async Task<int> RunAsync(int rounds, int[] concurrencies)
    {
        var data = Directory.CreateTempSubdirectory("cloud-sdk-overhead-").FullName;
        var seed = Path.Combine(data, "seed", "iris");
        Directory.CreateDirectory(seed);
        foreach (var file in Directory.GetFiles(Path.Combine(Repo.Root, "samples", "models", "iris")))
        {
            // Without validation.csv's validate job, nothing else runs in the host while it is measured.
            if (!file.EndsWith(".csv", StringComparison.Ordinal))
            {
                File.Copy(file, Path.Combine(seed, Path.GetFileName(file)));
            }
        }

        var manifest = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(seed, "model.json")))!.AsObject();
        manifest.Remove("validation");
        File.WriteAllText(Path.Combine(seed, "model.json"), manifest.ToJsonString());
        var body = Encoding.UTF8.GetBytes("{\"instances\":[[5.1,3.5,1.4,0.2]]}");
        try
        {
            await using var host = await ChildProcess.StartAsync(ServeLoad.HostAppHost(),
                ["--Cloud:Storage:DataDirectory", Path.Combine(data, "store"), "--Cloud:Local:SeedModelsFrom", Path.GetDirectoryName(seed)!, "--Logging:LogLevel:Default", "Warning"],
                "/v1/models/iris:predict", body);
            var endpoint = new Uri(host.Url);
            var predict = new Uri(endpoint, "/v1/models/iris:predict");
            Console.WriteLine($"{ServeLoad.CpuModel()}, {Environment.ProcessorCount} cores; host pid {host.Id}; {rounds} interleaved rounds of 1 s per client and concurrency");
            Console.WriteLine("| client | concurrency | calls/s | client CPU µs per call | ÷ its raw | server CPU µs per call | p50 ms |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
            foreach (var concurrency in concurrencies)
            {
                using var rawHandler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(10) };
                using var raw = new HttpClient(rawHandler);
                using var sdk = new PredictionClient(endpoint);
                // Each SDK client is compared with the raw client that does the same work: prebuilt bytes, or a body
                // written from the floats on every call (as a hand-written client of a typed API would).
                var clients = new (string Name, int Baseline, Func<Task> Call)[]
                {
                    ("raw HttpClient", 0, () => RawPostAsync(raw, predict, body)),
                    ("sdk json", 0, () => sdk.PredictJsonAsync("iris", body)),
                    ("raw HttpClient, body from floats", 2, () => RawPostAsync(raw, predict, HandWritten(Row))),
                    ("sdk typed", 2, () => sdk.PredictAsync("iris", Row)),
                };

                // Warm-up: connections opened, JIT settled for every client.
                foreach (var (_, _, call) in clients)
                {
                    await MeasureAsync(call, concurrency, TimeSpan.FromSeconds(3), host);
                }

                var totals = clients.Select(_ => new Totals()).ToArray();
                for (var round = 0; round < rounds; round++)
                {
                    for (var turn = 0; turn < clients.Length; turn++)
                    {
                        var i = (turn + round) % clients.Length;
                        totals[i].Add(await MeasureAsync(clients[i].Call, concurrency, TimeSpan.FromSeconds(1), host));
                    }
                }

                for (var i = 0; i < clients.Length; i++)
                {
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"| {clients[i].Name} | {concurrency} | {totals[i].Calls / totals[i].Seconds:F0} | {totals[i].ClientUs:F1} | {totals[i].ClientUs / totals[clients[i].Baseline].ClientUs:F3} | {totals[i].ServerUs:F1} | {totals[i].P50Ms:F3} |"));
                }
            }
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }

        return 0;
    }

    private static async Task RawPostAsync(HttpClient raw, Uri predict, byte[] body)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await raw.PostAsync(predict, content).ConfigureAwait(false);
        await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>The TF Serving row body as a hand-written client makes it: a writer over a new buffer per call.</summary>
    private static byte[] HandWritten(float[][] rows)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(64);
        using (var w = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteStartArray("instances");
            foreach (var row in rows)
            {
                w.WriteStartArray();
                foreach (var value in row)
                {
                    w.WriteNumberValue(value);
                }

                w.WriteEndArray();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static async Task<Turn> MeasureAsync(Func<Task> call, int concurrency, TimeSpan duration, ChildProcess host)
    {
        var self = Process.GetCurrentProcess();
        var latencies = new List<double>[concurrency];
        var clock = Stopwatch.StartNew();
        self.Refresh();
        var clientCpu = self.TotalProcessorTime;
        var serverCpu = host.CpuTime;
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async w =>
        {
            var mine = latencies[w] = new List<double>(8192);
            while (clock.Elapsed < duration)
            {
                var start = Stopwatch.GetTimestamp();
                await call().ConfigureAwait(false);
                mine.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
        }));
        var seconds = clock.Elapsed.TotalSeconds;
        self.Refresh();
        return new Turn(latencies.Sum(l => l.Count), seconds, self.TotalProcessorTime - clientCpu, host.CpuTime - serverCpu, latencies.SelectMany(l => l).ToArray());
    }

    private sealed record Turn(int Calls, double Seconds, TimeSpan ClientCpu, TimeSpan ServerCpu, double[] Latencies);

    private sealed class Totals
    {
        private readonly List<double> _latencies = [];
        private TimeSpan _client;
        private TimeSpan _server;

        public long Calls { get; private set; }

        public double Seconds { get; private set; }

        public double ClientUs => _client.TotalMicroseconds / Calls;

        public double ServerUs => _server.TotalMicroseconds / Calls;

        public double P50Ms
        {
            get
            {
                var sorted = _latencies.Order().ToArray();
                return sorted[sorted.Length / 2];
            }
        }

        public void Add(Turn turn)
        {
            Calls += turn.Calls;
            Seconds += turn.Seconds;
            _client += turn.ClientCpu;
            _server += turn.ServerCpu;
            _latencies.AddRange(turn.Latencies);
        }
    }
}
