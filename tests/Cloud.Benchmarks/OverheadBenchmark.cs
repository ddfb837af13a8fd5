using BenchmarkDotNet.Attributes;
using Cloud.OnnxRuntime;
using Cloud.OnnxRuntime.Native;

namespace Cloud.Benchmarks;

/// <summary>
/// Per-call overhead of the binding: an Identity model on one row of 3 floats, where the model does next to
/// nothing and a Run costs the binding plus ORT's fixed per-call work. One operation: one Run of that model —
/// <see cref="Run"/> through the public API (wrap the input, Run, read the output), and
/// <see cref="CApiFloor"/> through the bare C API with nothing a binding adds (no validation, no allocation,
/// output copied into a reused array): the floor any binding over the same library can reach.
/// The difference between the two is this binding's own cost per call.
/// </summary>
[MemoryDiagnoser]
public unsafe class OverheadBenchmark
{
    private const int Width = 3;

    private InferenceSession _session = null!;
    private float[] _x = null!;

    // The floor: a second session on the same model, driven directly through OrtApi with pinned, reused buffers.
    private OrtApi _api = null!;
    private nint _rawSession;
    private float[] _pinnedX = null!;
    private float[] _pinnedY = null!;
    private byte[] _inputName = null!;
    private byte[] _outputName = null!;
    private long[] _shape = null!;

    [GlobalSetup]
    public void Setup()
    {
        var options = new SessionOptions { IntraOpThreads = 1 };
        _session = InferenceSession.Open(BenchmarkModels.Identity, options);
        _x = BenchmarkInputs.Create(Width);

        _api = OrtApi.Instance;
        using var nativeOptions = NativeSessionOptions.Create(_api, options);
        var path = PinnedUtf8(BenchmarkModels.Identity);
        nint session;
        fixed (byte* p = path)
        {
            _api.Check(_api.CreateSession(OrtEnvironment.Env, p, nativeOptions.DangerousGetHandle(), &session));
        }

        _rawSession = session;
        _pinnedX = GC.AllocateArray<float>(Width, pinned: true);
        BenchmarkInputs.Create(Width).CopyTo(_pinnedX, 0);
        _pinnedY = GC.AllocateArray<float>(Width, pinned: true);
        _inputName = PinnedUtf8("x");
        _outputName = PinnedUtf8("y");
        _shape = GC.AllocateArray<long>(2, pinned: true);
        _shape[0] = 1;
        _shape[1] = Width;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _session.Dispose();
        _api.ReleaseSession(_rawSession);
    }

    [Benchmark(Baseline = true)]
    public float Run()
    {
        var result = _session.Run("x", Tensor.Create(_x, 1, Width));
        return result.Get<float>("y").Span[0];
    }

    [Benchmark]
    public float CApiFloor()
    {
        // All arrays are on the pinned object heap, so taking their addresses needs no fixed statement.
        var inputName = (nint)AddressOf(_inputName);
        var outputName = (nint)AddressOf(_outputName);
        nint input = 0, output = 0;
        try
        {
            _api.Check(_api.CreateTensorWithDataAsOrtValue(OrtEnvironment.CpuMemoryInfo, AddressOf(_pinnedX),
                Width * sizeof(float), AddressOf(_shape), 2, TensorElementType.Float, &input));
            _api.Check(_api.Run(_rawSession, 0, &inputName, &input, 1, &outputName, 1, &output));
            void* data;
            _api.Check(_api.GetTensorMutableData(output, &data));
            new ReadOnlySpan<float>(data, Width).CopyTo(_pinnedY);
            return _pinnedY[0];
        }
        finally
        {
            if (output != 0)
            {
                _api.ReleaseValue(output);
            }

            if (input != 0)
            {
                _api.ReleaseValue(input);
            }
        }
    }

    private static T* AddressOf<T>(T[] pinned)
        where T : unmanaged => (T*)System.Runtime.CompilerServices.Unsafe.AsPointer(ref pinned[0]);

    private static byte[] PinnedUtf8(string text)
    {
        var count = System.Text.Encoding.UTF8.GetByteCount(text);
        var bytes = GC.AllocateArray<byte>(count + 1, pinned: true);
        System.Text.Encoding.UTF8.GetBytes(text, bytes);
        return bytes;
    }
}
