using BenchmarkDotNet.Attributes;
using Cloud.Serving.Models;
using Cloud.Serving.Tensors;
using Microsoft.ML.OnnxRuntime;

namespace Cloud.Benchmarks;

/// <summary>
/// Latency and throughput of the iris classifier, a model so small that its cost is mostly per-call work.
/// One operation: one <see cref="SessionRunner.Run"/> (serving's run path) on one batch of
/// <see cref="BatchSize"/> rows — wrapping the input array in a tensor, the run, and reading both outputs.
/// node/bench.mjs times the same operation through onnxruntime-node.
/// </summary>
[MemoryDiagnoser]
#pragma warning disable CA1001 // BenchmarkDotNet owns the instance and releases the session in [GlobalCleanup].
public class IrisRunBenchmark
{
    private InferenceSession _session = null!;
    private static readonly string[] Outputs = ["probabilities", "label"];

    private SessionRunner _runner = null!;
    private float[] _features = null!;

    [Params(1, 8, 64, 256)]
    public int BatchSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        // One intra-op thread, as in the Node script: per-call cost, not thread-pool wake-ups, is what is compared.
        using var options = new SessionOptions { IntraOpNumThreads = 1 };
        _session = new InferenceSession(BenchmarkModels.Iris, options);
        _runner = new SessionRunner(_session);
        _features = BenchmarkInputs.Create(BatchSize * 4);
    }

    [GlobalCleanup]
    public void Cleanup() => _session.Dispose();

    [Benchmark]
    public float Run()
    {
        var result = _runner.Run([new NamedTensor("features", Tensor.Create(_features, BatchSize, 4))], Outputs);
        return ((DenseTensor<float>)result[0].Value).Span[0] + ((DenseTensor<long>)result[1].Value).Span[0];
    }
}
#pragma warning restore CA1001
