using System.Runtime.InteropServices;
using Cloud.OnnxRuntime.Native;

namespace Cloud.OnnxRuntime;

/// <summary>
/// The process-wide ONNX Runtime environment. ORT allows one <c>OrtEnv</c> per process and wants it to outlive
/// every session, so it is created on first use and kept for the life of the process.
/// </summary>
public static unsafe class OrtEnvironment
{
    private static readonly Lazy<Native> s_native = new(CreateNative, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The version of the loaded ONNX Runtime, e.g. "1.30.0".</summary>
    public static string Version => OrtApi.Instance.Version;

    /// <summary>The file the native library was loaded from.</summary>
    public static string LibraryPath => OrtApi.Instance.LibraryPath;

    /// <summary>The execution providers the loaded library was built with, e.g. "CPUExecutionProvider".</summary>
    public static IReadOnlyList<string> AvailableProviders => s_native.Value.Providers;

    internal static nint Env => s_native.Value.Env;

    /// <summary>ORT's default CPU allocator (owned by ORT; never released).</summary>
    internal static nint Allocator => s_native.Value.Allocator;

    /// <summary>Describes managed memory handed to ORT as CPU tensors (never released).</summary>
    internal static nint CpuMemoryInfo => s_native.Value.CpuMemoryInfo;

    private static Native CreateNative()
    {
        var api = OrtApi.Instance;
        nint env, allocator, memoryInfo;
        const int warningLevel = 2; // ORT_LOGGING_LEVEL_WARNING: ORT's own log lines go to stderr only when they matter.
        fixed (byte* logId = "cloud"u8)
        {
            api.Check(api.CreateEnv(warningLevel, logId, &env));
        }

        api.Check(api.GetAllocatorWithDefaultOptions(&allocator));
        const int arenaAllocator = 1, memTypeDefault = 0;
        api.Check(api.CreateCpuMemoryInfo(arenaAllocator, memTypeDefault, &memoryInfo));
        return new Native(env, allocator, memoryInfo, ReadProviders(api));
    }

    private static string[] ReadProviders(OrtApi api)
    {
        byte** names;
        int count;
        api.Check(api.GetAvailableProviders(&names, &count));
        try
        {
            var providers = new string[count];
            for (var i = 0; i < count; i++)
            {
                providers[i] = Marshal.PtrToStringUTF8((nint)names[i]) ?? string.Empty;
            }

            return providers;
        }
        finally
        {
            api.Check(api.ReleaseAvailableProviders(names, count));
        }
    }

    private sealed record Native(nint Env, nint Allocator, nint CpuMemoryInfo, string[] Providers);
}
