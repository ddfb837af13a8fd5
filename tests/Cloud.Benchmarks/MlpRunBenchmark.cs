using BenchmarkDotNet.Attributes;
using Cloud.OnnxRuntime;

namespace Cloud.Benchmarks;

/// <summary>
/// Latency and throughput of the 256→1024→1024→10 MLP, a model whose cost is real compute (dense matmuls).
/// One operation: one <see cref="InferenceSession.Run(string, Tensor, CancellationToken)"/> on one batch of
/// <see cref="BatchSize"/> rows — wrapping the input array in a tensor, the run, and reading the output.
/// node/bench.mjs times the same operation through onnxruntime-node.
/// </summary>
[MemoryDiagnoser]
public class MlpRunBenchmark
{
    private InferenceSession _session = null!;
    private float[] _x = null!;

    [Params(1, 8, 64, 256)]
    public int BatchSize { get; set; }

    /// <summary>1: one thread, the like-for-like comparison with Node. 0: ORT's default (one per physical core).</summary>
    [Params(1, 0)]
    public int IntraOpThreads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _session = InferenceSession.Open(BenchmarkModels.Mlp, new SessionOptions { IntraOpThreads = IntraOpThreads });
        _x = BenchmarkInputs.Create(BatchSize * 256);
    }

    [GlobalCleanup]
    public void Cleanup() => _session.Dispose();

    [Benchmark]
    public float Run()
    {
        var result = _session.Run("x", Tensor.Create(_x, BatchSize, 256));
        return result.Get<float>("y").Span[0];
    }
}
