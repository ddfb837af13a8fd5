using System.Diagnostics;
using System.Globalization;
using System.Text;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;

namespace Cloud.LoadHarness;

/// <summary>
/// Issue #23's benchmark: one local host (batching on, its defaults) serving the MLP (one 256-float row, 1 KB of
/// input) and an image-sized model (one 224×224×3 float image, 588 KB of input, a ReduceMean over it so the protocol,
/// not the model, is what costs), called through Open Inference Protocol v2 JSON, the binary tensor data extension on
/// the same HTTP route, gRPC ModelInfer with raw contents, and gRPC ModelStreamInfer (one request in flight per stream,
/// or 8; with Grpc.Net.Client and with <see cref="RawGrpcStreamLoad"/>), at each concurrency. The modes are measured in
/// interleaved 1 s turns against the same process, so every mode meets the same moments of this shared machine;
/// ratios are per round, median reported. Server CPU per request is the host process's CPU time over the turn.
/// </summary>
internal static class ProtocolLoad
{
    private sealed record Mode(string Name, Func<int, Task<LoadGenerator.Result>> Run);

    private sealed record Workload(string Name, string Model, string Input, long[] Shape);

    public static async Task<int> RunAsync(int rounds, IReadOnlyList<int> concurrencies)
    {
        var repo = Repo.Root;
        var mlpFolder = Path.Combine(repo, "samples", "models", "bench", "mlp");
        ServeLoad.EnsureMlp(repo, mlpFolder);
        var data = Directory.CreateTempSubdirectory("cloud-protocols-").FullName;
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {ServeLoad.CpuModel()}, .NET {Environment.Version}; load generator on the same cores; load average before: {File.ReadAllText("/proc/loadavg").Trim()}");
        Console.WriteLine($"{rounds} interleaved rounds of 1 s per mode and concurrency, after {WarmUpTurns} turns of warm-up per mode at concurrency 64");
        try
        {
            var seed = BenchServers.Seed(data, mlpFolder);
            WriteImageModel(Path.Combine(seed, "image"));
            var grpcPort = ChildProcess.FreePort();
            var mlp = new Workload("MLP (1 KB input)", "bench-mlp", "x", [1, 256]);
            var image = new Workload("image (224×224×3 floats, 588 KB input)", "bench-image", "image", [1, 224, 224, 3]);
            var host = await BenchServers.StartHostAsync("host", Path.Combine(data, "host"), seed, ["--Cloud:Grpc:Port", grpcPort.ToString(CultureInfo.InvariantCulture)], ServeLoad.MlpBody());
            await using var servers = new BenchServerSet { host };
            using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{grpcPort}", new GrpcChannelOptions
            {
                MaxReceiveMessageSize = null,
                MaxSendMessageSize = null,
                HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true },
            });
            var baseUrl = host.Process.Url;
            foreach (var workload in new[] { mlp, image })
            {
                var values = Values(workload.Shape);
                var url = $"{baseUrl}/v2/models/{workload.Model}/infer";
                var json = JsonBody(workload, values);
                var (binary, headerLength) = BinaryBody(workload, values);
                var grpc = GrpcRequest(workload, values);
                var cpu = () => host.Process.CpuTime;
                Mode[] modes =
                [
                    new("JSON", c => LoadGenerator.RunAsync(url, json, c, RoundWarmUp, Round, cpu)),
                    new("binary HTTP", c => LoadGenerator.RunAsync(url, binary, c, RoundWarmUp, Round, cpu, $"Inference-Header-Content-Length: {headerLength}\r\n")),
                    new("gRPC unary", c => GrpcLoad.RunAsync(channel, grpc, c, RoundWarmUp, Round, cpu)),
                    new("gRPC stream", c => GrpcLoad.RunStreamsAsync(channel, grpc, c, RoundWarmUp, Round, cpu)),
                    new($"gRPC stream, {PipelinedDepth} in flight each", c => GrpcLoad.RunPipelinedStreamsAsync(channel, grpc, c, PipelinedDepth, RoundWarmUp, Round, cpu)),
                ];
                if (grpc.Length + 5 <= 16_384)
                {
                    // The lean h2c client (as the epoll client is for HTTP/1.1): a message that fits one HTTP/2 frame.
                    modes = [.. modes, new("gRPC stream, lean client", c => RawStream(grpcPort, grpc, c, 1, cpu)), new($"gRPC stream, lean client, {PipelinedDepth} in flight each", c => RawStream(grpcPort, grpc, c, PipelinedDepth, cpu))];
                }

                // CLOUD_PROTOCOL_MODES=json,stream runs only those (names matched in part; ratios are then to the first
                // left), so a profiler attached to the host sees one path.
                if (Environment.GetEnvironmentVariable("CLOUD_PROTOCOL_MODES") is { Length: > 0 } only)
                {
                    modes = [.. modes.Where(m => only.Split(',').Any(o => m.Name.Contains(o.Trim(), StringComparison.OrdinalIgnoreCase)))];
                }

                // Until the tiered JIT has settled on each path (BenchServers.WarmUpAsync says why).
                for (var turn = 0; turn < WarmUpTurns; turn++)
                {
                    foreach (var mode in modes)
                    {
                        var warm = await mode.Run(64);
                        if (warm.Errors > 0 && warm.Requests == 0)
                        {
                            throw new InvalidOperationException($"{workload.Name} {mode.Name}: {warm.FirstError}");
                        }
                    }
                }

                Console.WriteLine();
                Console.WriteLine($"### {workload.Name}: JSON {json.Length:N0} B, binary {binary.Length:N0} B, gRPC {grpc.Length:N0} B per request");
                Console.WriteLine("| concurrency | mode | req/s | × JSON (median of rounds) | p50 / p99 ms | server CPU µs/req | client CPU µs/req | errors |");
                Console.WriteLine("|---:|---|---:|---:|---:|---:|---:|---:|");
                foreach (var c in concurrencies)
                {
                    var measured = modes.Select(_ => new List<LoadGenerator.Result>()).ToArray();
                    for (var round = 0; round < rounds; round++)
                    {
                        for (var turn = 0; turn < modes.Length; turn++)
                        {
                            var index = (round % 2 == 0 ? round + turn : round + modes.Length - turn) % modes.Length;
                            measured[index].Add(await modes[index].Run(c));
                        }
                    }

                    for (var m = 0; m < modes.Length; m++)
                    {
                        var all = LoadGenerator.Result.Combine(measured[m]);
                        var ratio = BenchServers.Ratio(measured[m], measured[0]);
                        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"| {c} | {modes[m].Name} | {all.Throughput:F0} | {(m == 0 ? "1" : $"**{ratio.Median:F2}** ({ratio.Low:F2}–{ratio.High:F2})")} | {all.P50Ms:F2} / {all.P99Ms:F2} | {all.ServerCpuUs:F0} | {all.ClientCpuUs:F0} | {all.Errors} |"));
                        if (all.FirstError is not null)
                        {
                            Console.WriteLine($"  first error: {all.FirstError}");
                        }
                    }
                }
            }
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }

        Console.WriteLine($"load average after: {File.ReadAllText("/proc/loadavg").Trim()}");
        return 0;
    }

    private const int WarmUpTurns = 4;

    private static Task<LoadGenerator.Result> RawStream(int port, byte[] message, int concurrency, int depth, Func<TimeSpan> cpu) =>
        Task.Factory.StartNew(() => RawGrpcStreamLoad.Run(port, message, concurrency, depth, RoundWarmUp, Round, cpu), TaskCreationOptions.LongRunning);

    /// <summary>Requests a pipelining stream client keeps in flight on each stream (concurrency / this many streams).</summary>
    private const int PipelinedDepth = 8;

    private static readonly TimeSpan RoundWarmUp = TimeSpan.FromMilliseconds(300);

    private static readonly TimeSpan Round = TimeSpan.FromSeconds(1);

    /// <summary>Deterministic values, printed short in JSON (as numpy's repr would print these).</summary>
    private static float[] Values(long[] shape) =>
        Enumerable.Range(0, (int)shape.Aggregate(1L, (a, b) => a * b)).Select(i => (i % 17) * 0.0625f - 0.5f).ToArray();

    private static byte[] JsonBody(Workload w, float[] values) => Encoding.UTF8.GetBytes(
        $"{{\"inputs\": [{{\"name\": \"{w.Input}\", \"shape\": [{string.Join(", ", w.Shape)}], \"datatype\": \"FP32\", \"data\": [" +
        string.Join(", ", values.Select(v => v.ToString("R", CultureInfo.InvariantCulture))) + "]}]}");

    private static (byte[] Body, int HeaderLength) BinaryBody(Workload w, float[] values)
    {
        var header = Encoding.UTF8.GetBytes(
            $"{{\"inputs\": [{{\"name\": \"{w.Input}\", \"shape\": [{string.Join(", ", w.Shape)}], \"datatype\": \"FP32\", \"parameters\": {{\"binary_data_size\": {values.Length * 4}}}}}], \"parameters\": {{\"binary_data_output\": true}}}}");
        return ([.. header, .. System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan())], header.Length);
    }

    /// <summary>A ModelInferRequest written field by field (inference.proto's numbers), so the harness needs no generated code.</summary>
    private static byte[] GrpcRequest(Workload w, float[] values)
    {
        using var inputStream = new MemoryStream();
        using (var input = new CodedOutputStream(inputStream, leaveOpen: true))
        {
            input.WriteTag(1, WireFormat.WireType.LengthDelimited);
            input.WriteString(w.Input);
            input.WriteTag(2, WireFormat.WireType.LengthDelimited);
            input.WriteString("FP32");
            input.WriteTag(3, WireFormat.WireType.LengthDelimited);
            input.WriteLength(w.Shape.Sum(CodedOutputStream.ComputeInt64Size));
            foreach (var dim in w.Shape)
            {
                input.WriteInt64(dim);
            }
        }

        using var requestStream = new MemoryStream();
        using (var request = new CodedOutputStream(requestStream, leaveOpen: true))
        {
            request.WriteTag(1, WireFormat.WireType.LengthDelimited);
            request.WriteString(w.Model);
            request.WriteTag(5, WireFormat.WireType.LengthDelimited);
            request.WriteBytes(ByteString.CopyFrom(inputStream.ToArray()));
            request.WriteTag(7, WireFormat.WireType.LengthDelimited);
            request.WriteBytes(ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan())));
        }

        return requestStream.ToArray();
    }

    /// <summary>image float32 [batch, 224, 224, 3] → ReduceMean over height and width → [batch, 3]: next to no compute.</summary>
    private static void WriteImageModel(string folder)
    {
        Directory.CreateDirectory(folder);
        const string Script = """
            import sys
            from onnx import TensorProto, helper, save
            g = helper.make_graph([helper.make_node("ReduceMean", ["image"], ["mean"], axes=[1, 2], keepdims=0)], "image",
                [helper.make_tensor_value_info("image", TensorProto.FLOAT, [None, 224, 224, 3])],
                [helper.make_tensor_value_info("mean", TensorProto.FLOAT, [None, 3])])
            m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]); m.ir_version = 7
            save(m, sys.argv[1])
            """;
        using var python = Process.Start(new ProcessStartInfo("/usr/bin/python3", ["-c", Script, Path.Combine(folder, "model.onnx")]))!;
        python.WaitForExit();
        if (python.ExitCode != 0)
        {
            throw new InvalidOperationException("Could not write the image model (needs Debian's python3-onnx).");
        }

        File.WriteAllText(Path.Combine(folder, "model.json"), """{ "name": "bench-image", "version": "1.0.0", "format": "onnx", "modelFile": "model.onnx" }""");
    }
}

/// <summary>Closed-loop gRPC load: N callers each send the same pre-serialized ModelInfer back to back over one channel.</summary>
internal static class GrpcLoad
{
    private static readonly Marshaller<byte[]> Bytes = Marshallers.Create(b => b, b => b);

    private static readonly Method<byte[], byte[]> ModelInfer = new(MethodType.Unary, "inference.GRPCInferenceService", "ModelInfer", Bytes, Bytes);

    private static readonly Method<byte[], byte[]> ModelStreamInfer = new(MethodType.DuplexStreaming, "inference.GRPCInferenceService", "ModelStreamInfer", Bytes, Bytes);

    public static Task<LoadGenerator.Result> RunAsync(GrpcChannel channel, byte[] request, int concurrency, TimeSpan warmup, TimeSpan duration, Func<TimeSpan>? serverCpu)
    {
        var invoker = channel.CreateCallInvoker();
        return MeasureAsync(concurrency, warmup, duration, serverCpu, async (end, clock, record) =>
        {
            while (clock.Elapsed < end)
            {
                var start = Stopwatch.GetTimestamp();
                try
                {
                    await invoker.AsyncUnaryCall(ModelInfer, null, default, request).ResponseAsync.ConfigureAwait(false);
                    record(start, null);
                }
                catch (RpcException error)
                {
                    record(start, $"{error.StatusCode} {error.Status.Detail}");
                }
            }
        });
    }

    /// <summary>
    /// Triton's perf_analyzer --streaming shape: each of the N callers holds one ModelStreamInfer stream and sends its
    /// next request when the answer to the last has come.
    /// </summary>
    public static Task<LoadGenerator.Result> RunStreamsAsync(GrpcChannel channel, byte[] request, int concurrency, TimeSpan warmup, TimeSpan duration, Func<TimeSpan>? serverCpu)
    {
        var invoker = channel.CreateCallInvoker();
        return MeasureAsync(concurrency, warmup, duration, serverCpu, async (end, clock, record) =>
        {
            using var call = invoker.AsyncDuplexStreamingCall(ModelStreamInfer, null, default);
            while (clock.Elapsed < end)
            {
                var start = Stopwatch.GetTimestamp();
                await call.RequestStream.WriteAsync(request).ConfigureAwait(false);
                if (!await call.ResponseStream.MoveNext(default).ConfigureAwait(false))
                {
                    throw new InvalidOperationException("The server ended the stream.");
                }

                // ModelStreamInferResponse: a failed request has error_message (field 1), which proto3 writes first.
                var answer = call.ResponseStream.Current;
                record(start, answer.Length > 0 && answer[0] == 0x0A ? new CodedInputStream(answer).ReadTagAndString() : null);
            }

            await call.RequestStream.CompleteAsync().ConfigureAwait(false);
            while (await call.ResponseStream.MoveNext(default).ConfigureAwait(false))
            {
            }
        });
    }

    /// <summary>
    /// A pipelining client (tritonclient's async_stream_infer shape): concurrency / depth streams, each with depth
    /// requests in flight — the next is sent as each answer arrives. Latency is from the oldest request in flight to
    /// each answer (answers are alike, so order does not matter to it).
    /// </summary>
    public static Task<LoadGenerator.Result> RunPipelinedStreamsAsync(GrpcChannel channel, byte[] request, int concurrency, int depth, TimeSpan warmup, TimeSpan duration, Func<TimeSpan>? serverCpu)
    {
        var invoker = channel.CreateCallInvoker();
        depth = Math.Min(depth, concurrency);
        return MeasureAsync(Math.Max(1, concurrency / depth), warmup, duration, serverCpu, async (end, clock, record) =>
        {
            using var call = invoker.AsyncDuplexStreamingCall(ModelStreamInfer, null, default);
            using var room = new SemaphoreSlim(depth, depth);
            var sent = new System.Collections.Concurrent.ConcurrentQueue<long>();
            var answers = Task.Run(async () =>
            {
                while (await call.ResponseStream.MoveNext(default).ConfigureAwait(false))
                {
                    sent.TryDequeue(out var start);
                    var answer = call.ResponseStream.Current;
                    record(start, answer.Length > 0 && answer[0] == 0x0A ? new CodedInputStream(answer).ReadTagAndString() : null);
                    room.Release();
                }
            });
            while (clock.Elapsed < end)
            {
                await room.WaitAsync().ConfigureAwait(false);
                sent.Enqueue(Stopwatch.GetTimestamp());
                await call.RequestStream.WriteAsync(request).ConfigureAwait(false);
            }

            await call.RequestStream.CompleteAsync().ConfigureAwait(false);
            await answers.ConfigureAwait(false);
        });
    }

    internal static string ReadTagAndString(this CodedInputStream input)
    {
        input.ReadTag();
        return input.ReadString();
    }

    /// <summary>Runs N callers until warm-up plus duration; only answers that arrive after warm-up are counted.</summary>
    private static async Task<LoadGenerator.Result> MeasureAsync(int concurrency, TimeSpan warmup, TimeSpan duration, Func<TimeSpan>? serverCpu, Func<TimeSpan, Stopwatch, Action<long, string?>, Task> caller)
    {
        var latencies = new List<double>[concurrency];
        var errors = 0;
        string? firstError = null;
        var measuring = false;
        var clock = Stopwatch.StartNew();
        var end = warmup + duration;

        Task Worker(int index)
        {
            var mine = latencies[index] = new List<double>(16_384);
            return caller(end, clock, (start, error) =>
            {
                if (!Volatile.Read(ref measuring))
                {
                    return;
                }

                if (error is null)
                {
                    mine.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                }
                else
                {
                    Interlocked.Increment(ref errors);
                    firstError ??= error;
                }
            });
        }

        var workers = Enumerable.Range(0, concurrency).Select(i => Task.Run(() => Worker(i))).ToArray();
        await Task.Delay(warmup).ConfigureAwait(false);
        using var self = Process.GetCurrentProcess();
        var (server0, client0) = (serverCpu?.Invoke() ?? TimeSpan.Zero, self.TotalProcessorTime);
        Volatile.Write(ref measuring, true);
        var measuredFrom = clock.ElapsedTicks;
        await Task.WhenAll(workers).ConfigureAwait(false);
        var seconds = (clock.ElapsedTicks - measuredFrom) / (double)Stopwatch.Frequency;
        self.Refresh();
        var (server1, client1) = (serverCpu?.Invoke() ?? TimeSpan.Zero, self.TotalProcessorTime);
        return new LoadGenerator.Result(concurrency, latencies.SelectMany(l => l).Order().ToArray(), errors, seconds, firstError, server1 - server0, client1 - client0);
    }
}
