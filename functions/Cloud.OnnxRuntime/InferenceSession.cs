using Cloud.OnnxRuntime.Native;

namespace Cloud.OnnxRuntime;

/// <summary>
/// A loaded ONNX model. Thread-safe: many threads may call <c>Run</c> on one session at once
/// (ORT's session Run is thread-safe and this class holds no per-call state).
/// </summary>
public sealed unsafe partial class InferenceSession : IDisposable
{
    private readonly OrtApi _api;
    private readonly OrtSessionHandle _handle;
    private readonly Dictionary<string, int> _inputIndex;
    private readonly Dictionary<string, int> _outputIndex;

    // NUL-terminated UTF-8 names on the pinned object heap: encoded once, never moved, and safe to hand to
    // ORT from any thread without pinning per call.
    private readonly byte[][] _inputNames;
    private readonly byte[][] _outputNames;

    private InferenceSession(OrtApi api, OrtSessionHandle handle)
    {
        _api = api;
        _handle = handle;
        try
        {
            Inputs = SessionMetadataReader.ReadNodes(api, handle.DangerousGetHandle(), isInput: true);
            Outputs = SessionMetadataReader.ReadNodes(api, handle.DangerousGetHandle(), isInput: false);
            Metadata = SessionMetadataReader.ReadModelMetadata(api, handle.DangerousGetHandle());
        }
        catch
        {
            handle.Dispose();
            throw;
        }

        _inputIndex = IndexByName(Inputs);
        _outputIndex = IndexByName(Outputs);
        _inputNames = Inputs.Select(i => PinnedUtf8(i.Name)).ToArray();
        _outputNames = Outputs.Select(o => PinnedUtf8(o.Name)).ToArray();
    }

    /// <summary>The model's inputs (graph inputs that are not initializers), in declaration order.</summary>
    public IReadOnlyList<NodeMetadata> Inputs { get; }

    /// <summary>The model's outputs, in declaration order.</summary>
    public IReadOnlyList<NodeMetadata> Outputs { get; }

    /// <summary>The model-level metadata (producer, graph name, custom metadata map, ...).</summary>
    public ModelMetadata Metadata { get; }

    /// <summary>Loads a model from an ONNX file.</summary>
    /// <exception cref="OnnxRuntimeException">The file is missing, or ORT cannot load it (the message says why).</exception>
    public static InferenceSession Open(string modelPath, SessionOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelPath);
        var fullPath = Path.GetFullPath(modelPath);
        if (!File.Exists(fullPath))
        {
            throw new OnnxRuntimeException(OrtErrorCode.NoSuchFile, $"Model file '{fullPath}' does not exist.");
        }

        var api = OrtApi.Instance;
        using var nativeOptions = NativeSessionOptions.Create(api, options ?? SessionOptions.Default);
        nint session;
        var path = PinnedUtf8(fullPath);
        fixed (byte* p = path)
        {
            api.Check(api.CreateSession(OrtEnvironment.Env, p, nativeOptions.DangerousGetHandle(), &session));
        }

        return new InferenceSession(api, new OrtSessionHandle(session));
    }

    /// <summary>Loads a model from the bytes of an ONNX file.</summary>
    /// <exception cref="OnnxRuntimeException">ORT cannot load the bytes (the message says why).</exception>
    public static InferenceSession FromBytes(ReadOnlySpan<byte> model, SessionOptions? options = null)
    {
        if (model.IsEmpty)
        {
            throw new OnnxRuntimeException(OrtErrorCode.InvalidProtobuf, "The model is empty (0 bytes).");
        }

        var api = OrtApi.Instance;
        using var nativeOptions = NativeSessionOptions.Create(api, options ?? SessionOptions.Default);
        nint session;
        fixed (byte* p = model)
        {
            api.Check(api.CreateSessionFromArray(OrtEnvironment.Env, p, (nuint)model.Length, nativeOptions.DangerousGetHandle(), &session));
        }

        return new InferenceSession(api, new OrtSessionHandle(session));
    }

    /// <summary>
    /// Releases the native session. Runs already in progress on other threads finish first: each Run holds a
    /// reference on the native handle.
    /// </summary>
    public void Dispose() => _handle.Dispose();

    private static Dictionary<string, int> IndexByName(IReadOnlyList<NodeMetadata> nodes)
    {
        var index = new Dictionary<string, int>(nodes.Count, StringComparer.Ordinal);
        for (var i = 0; i < nodes.Count; i++)
        {
            index[nodes[i].Name] = i;
        }

        return index;
    }

    private static byte[] PinnedUtf8(string text)
    {
        var count = System.Text.Encoding.UTF8.GetByteCount(text);
        var bytes = GC.AllocateArray<byte>(count + 1, pinned: true);
        System.Text.Encoding.UTF8.GetBytes(text, bytes);
        return bytes;
    }
}
