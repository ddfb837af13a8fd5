namespace Cloud.OnnxRuntime;

/// <summary>Where a session runs its operators.</summary>
public enum ExecutionProvider
{
    /// <summary>ORT's CPU provider; always available.</summary>
    Cpu = 0,
    /// <summary>NVIDIA CUDA; only when the loaded library was built with it (see <see cref="OrtEnvironment.AvailableProviders"/>).</summary>
    Cuda = 1,
}
