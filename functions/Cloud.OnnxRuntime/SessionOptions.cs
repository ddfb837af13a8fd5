namespace Cloud.OnnxRuntime;

/// <summary>
/// How to create an <see cref="InferenceSession"/>. A plain value: it is turned into native session options
/// only while a session is created, so one instance can be shared by many sessions and threads.
/// </summary>
public sealed record SessionOptions
{
    /// <summary>ORT's defaults: all graph optimizations, sequential execution, CPU, thread counts chosen by ORT.</summary>
    public static SessionOptions Default { get; } = new();

    /// <summary>Threads used inside one operator; 0 lets ORT choose (one per physical core).</summary>
    public int IntraOpThreads { get; init; }

    /// <summary>Threads used to run independent nodes in <see cref="ExecutionMode.Parallel"/>; 0 lets ORT choose.</summary>
    public int InterOpThreads { get; init; }

    /// <summary>Graph optimization level.</summary>
    public GraphOptimizationLevel OptimizationLevel { get; init; } = GraphOptimizationLevel.All;

    /// <summary>Sequential or parallel node execution.</summary>
    public ExecutionMode ExecutionMode { get; init; } = ExecutionMode.Sequential;

    /// <summary>The execution provider. CUDA fails with a clear error when the loaded library lacks it.</summary>
    public ExecutionProvider ExecutionProvider { get; init; } = ExecutionProvider.Cpu;

    /// <summary>The GPU to use with <see cref="ExecutionProvider.Cuda"/>.</summary>
    public int CudaDeviceId { get; init; }

    /// <summary>Whether ORT's CPU memory arena is used (faster repeated runs, memory kept after peaks).</summary>
    public bool EnableMemoryArena { get; init; } = true;

    /// <summary>Extra session configuration entries (ORT's <c>AddSessionConfigEntry</c> keys, e.g. "session.intra_op.allow_spinning").</summary>
    public IReadOnlyDictionary<string, string> ConfigEntries { get; init; } = new Dictionary<string, string>();

    internal void Validate()
    {
        if (IntraOpThreads < 0)
        {
            throw new OnnxRuntimeException(OrtErrorCode.InvalidArgument, $"IntraOpThreads must be 0 (ORT chooses) or positive; got {IntraOpThreads}.");
        }

        if (InterOpThreads < 0)
        {
            throw new OnnxRuntimeException(OrtErrorCode.InvalidArgument, $"InterOpThreads must be 0 (ORT chooses) or positive; got {InterOpThreads}.");
        }

        if (!Enum.IsDefined(OptimizationLevel))
        {
            throw new OnnxRuntimeException(OrtErrorCode.InvalidArgument, $"OptimizationLevel {(int)OptimizationLevel} is not one of {string.Join(", ", Enum.GetNames<GraphOptimizationLevel>())}.");
        }

        if (CudaDeviceId < 0)
        {
            throw new OnnxRuntimeException(OrtErrorCode.InvalidArgument, $"CudaDeviceId must be 0 or positive; got {CudaDeviceId}.");
        }
    }
}
