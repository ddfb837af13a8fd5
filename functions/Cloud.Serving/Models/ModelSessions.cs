using Cloud.Registry.Onnx;
using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;
using SessionOptions = Microsoft.ML.OnnxRuntime.SessionOptions;

namespace Cloud.Serving.Models;

/// <summary>
/// Creates the ORT session of a loaded version from the cache's settings: one <see cref="SessionOptions"/> per
/// model, with CUDA appended only when the setting asks for it. CUDA that cannot start fails the load with a
/// message saying what is missing; only "cuda,cpu" falls back to the CPU, with a warning.
/// </summary>
internal static partial class ModelSessions
{
    public static InferenceSession Open(string file, ModelCacheOptions options, ILogger log)
    {
        ArgumentNullException.ThrowIfNull(options);
        var choice = ExecutionProviders.Parse(options.ExecutionProvider);
        using var sessionOptions = CreateOptions(options);
        if (choice == ExecutionProviderChoice.Cpu)
        {
            return new InferenceSession(file, sessionOptions);
        }

        try
        {
            sessionOptions.AppendExecutionProvider_CUDA(options.CudaDeviceId);
            return new InferenceSession(file, sessionOptions);
        }
        // The CPU package has no CUDA provider (ORT says so when it is appended); the GPU package without CUDA 12
        // and cuDNN 9 fails to load the provider's library, when it is appended or when the session starts.
        catch (Exception error) when (IsCudaFailure(error))
        {
            var reason = error is OnnxRuntimeException ort ? OrtErrors.MessageOf(ort) : error.Message;
            if (choice == ExecutionProviderChoice.Cuda)
            {
                throw new ModelLoadException(CudaMissing(reason), error);
            }

            LogCudaFallback(log, file, options.CudaDeviceId, reason);
            using var cpuOptions = CreateOptions(options);
            return new InferenceSession(file, cpuOptions);
        }
    }

    /// <summary>The message for a CUDA provider that was asked for and could not start.</summary>
    public static string CudaMissing(string reason) =>
        $"ExecutionProvider 'cuda' was asked for but ONNX Runtime's CUDA provider could not start: {reason} " +
        $"Build with -p:OnnxRuntimeFlavor=gpu and install CUDA 12 + cuDNN 9, or set {ExecutionProviders.Setting} to cpu or 'cuda,cpu'.";

    private static SessionOptions CreateOptions(ModelCacheOptions options)
    {
        var sessionOptions = new SessionOptions
        {
            IntraOpNumThreads = options.IntraOpThreads,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
        };
        RunMemory.Apply(sessionOptions, options.RunMemoryLimitBytes);
        return sessionOptions;
    }

    private static bool IsCudaFailure(Exception error) => error switch
    {
        // Errors about the model itself are not CUDA's: a broken file must fail the same way on every provider.
        OnnxRuntimeException ort => OrtErrors.CodeOf(ort) is not ("InvalidProtobuf" or "NoSuchFile" or "InvalidGraph")
            && ort.Message.Contains("CUDA", StringComparison.OrdinalIgnoreCase),
        EntryPointNotFoundException or DllNotFoundException => true,
        _ => false,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "CUDA could not start for {File} (device {DeviceId}); serving it on the CPU as ExecutionProvider 'cuda,cpu' allows: {Reason}")]
    private static partial void LogCudaFallback(ILogger log, string file, int deviceId, string reason);
}
