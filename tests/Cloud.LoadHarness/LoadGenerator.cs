using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Cloud.LoadHarness;

/// <summary>How the load generator talks HTTP.</summary>
internal enum LoadClient
{
    /// <summary><see cref="EpollLoad"/>, one thread over every connection (the default since 2026-12-07): the cheapest for the client.</summary>
    Epoll,

    /// <summary>One async <see cref="RawHttpConnection"/> per worker (the default from 2026-12-06): 2–3 µs of client CPU per request less than HttpClient.</summary>
    Raw,

    /// <summary>.NET's HttpClient: what this benchmark used until 2026-12-06.</summary>
    HttpClient,
}

/// <summary>One worker's connection: sends the benchmark's request and says how it was answered.</summary>
internal interface ILoadConnection : IAsyncDisposable
{
    /// <summary>Sends the request once; the answer's status code once its whole body has arrived.</summary>
    Task<int> SendAsync();

    /// <summary>The body of the last answer that was not 200, for the error report.</summary>
    string LastErrorBody { get; }
}

/// <summary>Closed-loop HTTP load: N workers each send the same request back to back for a fixed time.</summary>
internal static class LoadGenerator
{
    /// <summary>
    /// The client every run uses unless told otherwise (environment variable CLOUD_LOAD_CLIENT=raw or httpclient);
    /// epoll is Linux's, so elsewhere the default is the async raw client.
    /// </summary>
    public static LoadClient DefaultClient { get; } = Environment.GetEnvironmentVariable("CLOUD_LOAD_CLIENT") is { Length: > 0 } name
        ? Enum.Parse<LoadClient>(name, ignoreCase: true)
        : OperatingSystem.IsLinux() ? LoadClient.Epoll : LoadClient.Raw;

    /// <param name="ServerCpu">CPU time the server process spent in the measured window (zero when not given).</param>
    /// <param name="ClientCpu">CPU time this process (the load generator) spent in the measured window.</param>
    /// <param name="Latencies">Latencies of the successful requests in milliseconds, sorted.</param>
    public sealed record Result(int Concurrency, double[] Latencies, int Errors, double Seconds, string? FirstError, TimeSpan ServerCpu, TimeSpan ClientCpu)
    {
        public int Requests => Latencies.Length;

        public double Throughput => Requests / Seconds;

        public double P50Ms => Percentile(Latencies, 0.50);

        public double P99Ms => Percentile(Latencies, 0.99);

        /// <summary>Several measurements of one server as one: their requests, time and CPU added up.</summary>
        public static Result Combine(IReadOnlyList<Result> parts) => new(
            parts[0].Concurrency,
            parts.SelectMany(p => p.Latencies).Order().ToArray(),
            parts.Sum(p => p.Errors),
            parts.Sum(p => p.Seconds),
            parts.Select(p => p.FirstError).FirstOrDefault(e => e is not null),
            TimeSpan.FromTicks(parts.Sum(p => p.ServerCpu.Ticks)),
            TimeSpan.FromTicks(parts.Sum(p => p.ClientCpu.Ticks)));

        /// <summary>Server CPU per successful request, in microseconds: where the time goes, independent of how busy the shared machine was.</summary>
        public double ServerCpuUs => Requests == 0 ? double.NaN : ServerCpu.TotalMicroseconds / Requests;

        public double ClientCpuUs => Requests == 0 ? double.NaN : ClientCpu.TotalMicroseconds / Requests;
    }

    /// <param name="serverCpu">Reads the server process's total CPU time, so the report can say where the cores went.</param>
    /// <param name="headers">Extra request header lines, each ending in CRLF (epoll and raw clients).</param>
    public static Task<Result> RunAsync(string url, byte[] body, int concurrency, TimeSpan warmup, TimeSpan duration, Func<TimeSpan>? serverCpu = null, string? headers = null) =>
        DefaultClient == LoadClient.Epoll
            ? Task.Factory.StartNew(() => EpollLoad.Run(new Uri(url), body, concurrency, warmup, duration, serverCpu, headers), TaskCreationOptions.LongRunning)
            : RunWorkersAsync(url, body, concurrency, warmup, duration, serverCpu, headers);

    /// <summary>The async clients: one worker per connection, each sending back to back.</summary>
    private static async Task<Result> RunWorkersAsync(string url, byte[] body, int concurrency, TimeSpan warmup, TimeSpan duration, Func<TimeSpan>? serverCpu, string? headers)
    {
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = concurrency, PooledConnectionLifetime = TimeSpan.FromMinutes(10) };
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
        var target = new Uri(url);
        Func<Task<ILoadConnection>> open = DefaultClient == LoadClient.Raw
            ? async () => await RawHttpConnection.OpenAsync(target, body, headers).ConfigureAwait(false)
            : () => Task.FromResult<ILoadConnection>(new HttpClientConnection(http, target, body));
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
            var connection = await open().ConfigureAwait(false);
            try
            {
                while (clock.Elapsed < end)
                {
                    var start = Stopwatch.GetTimestamp();
                    int status;
                    try
                    {
                        status = await connection.SendAsync().ConfigureAwait(false);
                    }
                    catch (Exception error) when (error is IOException or SocketException or HttpRequestException or TaskCanceledException)
                    {
                        // Count it and reconnect: a closed connection is the server's error, not the end of the run.
                        Interlocked.Increment(ref errors);
                        firstError ??= error.Message;
                        await connection.DisposeAsync().ConfigureAwait(false);
                        connection = await open().ConfigureAwait(false);
                        continue;
                    }

                    var elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                    if (!Volatile.Read(ref measuring))
                    {
                        continue;
                    }

                    if (status != 200)
                    {
                        Interlocked.Increment(ref errors);
                        firstError ??= $"{status} {connection.LastErrorBody}";
                        continue;
                    }

                    mine.Add(elapsed);
                }
            }
            finally
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }

        var workers = Enumerable.Range(0, concurrency).Select(i => Task.Run(() => Worker(i))).ToArray();
        await Task.Delay(warmup).ConfigureAwait(false);
        using var self = Process.GetCurrentProcess();
        var (server0, client0) = (serverCpu?.Invoke() ?? TimeSpan.Zero, self.TotalProcessorTime);
        Volatile.Write(ref measuring, true);
        measuredFrom = clock.ElapsedTicks;
        await Task.WhenAll(workers).ConfigureAwait(false);
        var seconds = (clock.ElapsedTicks - measuredFrom) / (double)Stopwatch.Frequency;
        self.Refresh();
        var (server1, client1) = (serverCpu?.Invoke() ?? TimeSpan.Zero, self.TotalProcessorTime);
        var all = latencies.SelectMany(l => l).Order().ToArray();
        return new Result(concurrency, all, errors, seconds, firstError, server1 - server0, client1 - client0);
    }

    /// <summary>HttpClient behind the same face as a raw connection; its pool does the connecting.</summary>
    private sealed class HttpClientConnection(HttpClient http, Uri url, byte[] body) : ILoadConnection
    {
        public string LastErrorBody { get; private set; } = "";

        public async Task<int> SendAsync()
        {
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = content };
            // As curl does for bodies over 1 MB: the server may refuse before the body is sent.
            request.Headers.ExpectContinue = body.Length > 1024 * 1024;
            using var response = await http.SendAsync(request).ConfigureAwait(false);
            await response.Content.LoadIntoBufferAsync().ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                LastErrorBody = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
            }

            return (int)response.StatusCode;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];
}
