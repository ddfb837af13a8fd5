using System.Text;

namespace Cloud.OnnxRuntime.Native;

/// <summary>Builds native session options from a <see cref="SessionOptions"/> value, for one session creation.</summary>
internal static unsafe class NativeSessionOptions
{
    private const string CudaProvider = "CUDAExecutionProvider";

    public static OrtSessionOptionsHandle Create(OrtApi api, SessionOptions options)
    {
        options.Validate();
        nint raw;
        api.Check(api.CreateSessionOptions(&raw));
        var handle = new OrtSessionOptionsHandle(raw);
        try
        {
            if (options.IntraOpThreads > 0)
            {
                api.Check(api.SetIntraOpNumThreads(raw, options.IntraOpThreads));
            }

            if (options.InterOpThreads > 0)
            {
                api.Check(api.SetInterOpNumThreads(raw, options.InterOpThreads));
            }

            api.Check(api.SetSessionGraphOptimizationLevel(raw, (int)options.OptimizationLevel));
            api.Check(api.SetSessionExecutionMode(raw, (int)options.ExecutionMode));
            api.Check(options.EnableMemoryArena ? api.EnableCpuMemArena(raw) : api.DisableCpuMemArena(raw));
            foreach (var (key, value) in options.ConfigEntries)
            {
                fixed (byte* k = Utf8(key))
                fixed (byte* v = Utf8(value))
                {
                    api.Check(api.AddSessionConfigEntry(raw, k, v));
                }
            }

            if (options.ExecutionProvider == ExecutionProvider.Cuda)
            {
                AppendCuda(api, raw, options.CudaDeviceId);
            }

            return handle;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    private static void AppendCuda(OrtApi api, nint sessionOptions, int deviceId)
    {
        if (!OrtEnvironment.AvailableProviders.Contains(CudaProvider))
        {
            throw new OnnxRuntimeException(OrtErrorCode.InvalidArgument,
                $"The CUDA execution provider was requested, but ONNX Runtime {OrtEnvironment.Version} at '{OrtEnvironment.LibraryPath}' " +
                $"was built without it (available: {string.Join(", ", OrtEnvironment.AvailableProviders)}). " +
                $"Point {OrtNativeLibrary.PathVariable} at a CUDA build of ONNX Runtime.");
        }

        try
        {
            nint cuda;
            api.Check(api.CreateCUDAProviderOptions(&cuda));
            using var cudaHandle = new OrtCudaProviderOptionsHandle(cuda);
            fixed (byte* key = "device_id\0"u8)
            fixed (byte* value = Utf8(deviceId.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            {
                var keys = stackalloc byte*[1] { key };
                var values = stackalloc byte*[1] { value };
                api.Check(api.UpdateCUDAProviderOptions(cuda, keys, values, 1));
            }

            api.Check(api.SessionOptionsAppendExecutionProvider_CUDA_V2(sessionOptions, cuda));
        }
        catch (OnnxRuntimeException error)
        {
            // Builds can list CUDA yet lack its provider library or a GPU; ORT's own message names neither.
            throw new OnnxRuntimeException(error.ErrorCode,
                $"Could not enable the CUDA execution provider on device {deviceId} with ONNX Runtime {OrtEnvironment.Version} " +
                $"at '{OrtEnvironment.LibraryPath}' (is libonnxruntime_providers_cuda.so beside it, and is a GPU visible?): {error.Message}", error);
        }
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text + "\0");
}
