using BenchmarkDotNet.Attributes;
using Cloud.OnnxRuntime;

namespace Cloud.Benchmarks;

/// <summary>
/// Latency and throughput of the iris classifier, a model so small that its cost is mostly per-call work.
/// One operation: one <see cref="InferenceSession.Run(string, Tensor, CancellationToken)"/> on one batch of
/// <see cref="BatchSize"/> rows — wrapping the input array in a tensor, the run, and reading both outputs.
/// node/bench.mjs times the same operation through onnxruntime-node.
/// </summary>
[MemoryDiagnoser]
public class IrisRunBenchmark
{
    private InferenceSession _session = null!;
    private float[] _features = null!;

    [Params(1, 8, 64, 256)]
    public int BatchSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        // One intra-op thread, as in the Node script: per-call cost, not thread-pool wake-ups, is what is compared.
        _session = InferenceSession.Open(BenchmarkModels.Iris, new SessionOptions { IntraOpThreads = 1 });
        _features = BenchmarkInputs.Create(BatchSize * 4);
    }

    [GlobalCleanup]
    public void Cleanup() => _session.Dispose();

    [Benchmark]
    public float Run()
    {
        var result = _session.Run("features", Tensor.Create(_features, BatchSize, 4));
        return result.Get<float>("probabilities").Span[0] + result.Get<long>("label").Span[0];
    }
}
