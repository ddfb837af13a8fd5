using BenchmarkDotNet.Attributes;
using Cloud.Serving.Models;
using Cloud.Serving.Tensors;
using Microsoft.ML.OnnxRuntime;

namespace Cloud.Benchmarks;

/// <summary>
/// Latency and throughput of the 256→1024→1024→10 MLP, a model whose cost is real compute (dense matmuls).
/// One operation: one <see cref="SessionRunner.Run"/> (serving's run path) on one batch of
/// <see cref="BatchSize"/> rows — wrapping the input array in a tensor, the run, and reading the output.
/// node/bench.mjs times the same operation through onnxruntime-node.
/// </summary>
[MemoryDiagnoser]
#pragma warning disable CA1001 // BenchmarkDotNet owns the instance and releases the session in [GlobalCleanup].
public class MlpRunBenchmark
{
    private InferenceSession _session = null!;
    private SessionRunner _runner = null!;
    private float[] _x = null!;

    [Params(1, 8, 64, 256)]
    public int BatchSize { get; set; }

    /// <summary>1: one thread, the like-for-like comparison with Node. 0: ORT's default (one per physical core).</summary>
    [Params(1, 0)]
    public int IntraOpThreads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        using var options = new SessionOptions { IntraOpNumThreads = IntraOpThreads };
        _session = new InferenceSession(BenchmarkModels.Mlp, options);
        _runner = new SessionRunner(_session);
        _x = BenchmarkInputs.Create(BatchSize * 256);
    }

    [GlobalCleanup]
    public void Cleanup() => _session.Dispose();

    [Benchmark]
    public float Run()
    {
        var result = _runner.Run([new NamedTensor("x", Tensor.Create(_x, BatchSize, 256))]);
        return ((DenseTensor<float>)result[0].Value).Span[0];
    }
}
#pragma warning restore CA1001
