namespace Cloud.Serving.Models;

/// <summary>Where sessions run their operators: the setting Cloud:Cache:ExecutionProvider.</summary>
internal enum ExecutionProviderChoice
{
    /// <summary>"cpu": ORT's CPU provider only.</summary>
    Cpu,

    /// <summary>"cuda": CUDA, and a load fails when CUDA cannot start.</summary>
    Cuda,

    /// <summary>"cuda,cpu": CUDA where it starts, else CPU with a warning.</summary>
    CudaThenCpu,
}
