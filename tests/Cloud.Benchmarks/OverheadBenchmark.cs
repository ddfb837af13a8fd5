using BenchmarkDotNet.Attributes;
using Cloud.Serving.Models;
using Cloud.Serving.Tensors;
using Microsoft.ML.OnnxRuntime;

namespace Cloud.Benchmarks;

/// <summary>
/// Per-call overhead of serving's run path: an Identity model on one row of 3 floats, where the model does next to
/// nothing and a Run costs our code plus ORT's fixed per-call work. One operation: one Run of that model —
/// <see cref="Run"/> through <see cref="SessionRunner"/> (wrap the input, Run, read the output), and
/// <see cref="PackageFloor"/> through the package's OrtValue API with nothing of ours (input and output values
/// created once over pinned arrays and reused): the floor any code over the same package can reach.
/// The difference between the two is our own cost per call.
/// </summary>
[MemoryDiagnoser]
#pragma warning disable CA1001 // BenchmarkDotNet owns the instance and releases the session in [GlobalCleanup].
public class OverheadBenchmark
{
    private const int Width = 3;

    private InferenceSession _session = null!;
    private SessionRunner _runner = null!;
    private float[] _x = null!;

    // The floor: the same session driven with values created once, reused on every call.
    private RunOptions _runOptions = null!;
    private OrtValue _input = null!;
    private OrtValue _output = null!;
    private float[] _y = null!;
    private readonly string[] _inputNames = ["x"];
    private readonly string[] _outputNames = ["y"];

    [GlobalSetup]
    public void Setup()
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1 };
        _session = new InferenceSession(BenchmarkModels.Identity, options);
        _runner = new SessionRunner(_session);
        _x = BenchmarkInputs.Create(Width);

        _runOptions = new RunOptions();
        _y = new float[Width];
        _input = OrtValue.CreateTensorValueFromMemory(BenchmarkInputs.Create(Width), [1, Width]);
        _output = OrtValue.CreateTensorValueFromMemory(_y, [1, Width]);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _input.Dispose();
        _output.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
    }

    [Benchmark(Baseline = true)]
    public float Run()
    {
        var result = _runner.Run([new NamedTensor("x", Tensor.Create(_x, 1, Width))]);
        return ((DenseTensor<float>)result[0].Value).Span[0];
    }

    [Benchmark]
    public float PackageFloor()
    {
        _session.Run(_runOptions, _inputNames, [_input], _outputNames, [_output]);
        return _y[0];
    }
}
#pragma warning restore CA1001
