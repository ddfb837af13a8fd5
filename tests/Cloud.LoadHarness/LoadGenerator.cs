using System.Diagnostics;
using System.Net;

namespace Cloud.LoadHarness;

/// <summary>Closed-loop HTTP load: N workers each send the same request back to back for a fixed time.</summary>
internal static class LoadGenerator
{
    public sealed record Result(int Concurrency, int Requests, int Errors, double Seconds, double P50Ms, double P99Ms, string? FirstError)
    {
        public double Throughput => Requests / Seconds;
    }

    public static async Task<Result> RunAsync(string url, byte[] body, int concurrency, TimeSpan warmup, TimeSpan duration)
    {
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = concurrency, PooledConnectionLifetime = TimeSpan.FromMinutes(10) };
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
        var latencies = new List<double>[concurrency];
        var errors = 0;
        string? firstError = null;
        var measuring = false;
        var clock = Stopwatch.StartNew();
        var end = warmup + duration;
        long measuredFrom = 0;

        async Task Worker(int index)
        {
            var mine = latencies[index] = new List<double>(16_384);
            while (clock.Elapsed < end)
            {
                var start = Stopwatch.GetTimestamp();
                using var content = new ByteArrayContent(body);
                content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
                using var response = await client.PostAsync(url, content).ConfigureAwait(false);
                await response.Content.LoadIntoBufferAsync().ConfigureAwait(false);
                var elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                if (!Volatile.Read(ref measuring))
                {
                    continue;
                }

                if (response.StatusCode != HttpStatusCode.OK)
                {
                    Interlocked.Increment(ref errors);
                    firstError ??= $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync().ConfigureAwait(false)}";
                    continue;
                }

                mine.Add(elapsed);
            }
        }

        var workers = Enumerable.Range(0, concurrency).Select(i => Task.Run(() => Worker(i))).ToArray();
        await Task.Delay(warmup).ConfigureAwait(false);
        Volatile.Write(ref measuring, true);
        measuredFrom = clock.ElapsedTicks;
        await Task.WhenAll(workers).ConfigureAwait(false);
        var seconds = (clock.ElapsedTicks - measuredFrom) / (double)Stopwatch.Frequency;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        return new Result(concurrency, all.Length, errors, seconds, Percentile(all, 0.50), Percentile(all, 0.99), firstError);
    }

    private static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];
}
