using System.Runtime.InteropServices;

namespace Cloud.OnnxRuntime.Native;

/// <summary>
/// Finds and loads libonnxruntime and returns its <c>OrtGetApiBase</c> entry point. We load the library
/// ourselves (rather than through [DllImport]) so that a wrong library gives a clear error naming the file,
/// and so that an environment variable can point at another build (a CUDA build, say).
/// </summary>
internal static class OrtNativeLibrary
{
    /// <summary>Path of an ONNX Runtime shared library to use instead of the one shipped beside the assemblies.</summary>
    public const string PathVariable = "CLOUD_ONNXRUNTIME_LIBRARY";

    private const string FileName = "libonnxruntime.so.1";

    /// <summary>Loads the library and returns (handle, path it came from, OrtGetApiBase).</summary>
    public static (nint Handle, string Source, nint GetApiBase) Load()
    {
        foreach (var candidate in Candidates())
        {
            if (candidate.MustExist && !File.Exists(candidate.Path))
            {
                if (candidate.FromVariable)
                {
                    throw new OnnxRuntimeException(OrtErrorCode.NoSuchFile,
                        $"{PathVariable} points at '{candidate.Path}', which does not exist.");
                }

                continue;
            }

            if (!NativeLibrary.TryLoad(candidate.Path, out var handle))
            {
                if (candidate.FromVariable)
                {
                    throw new OnnxRuntimeException(OrtErrorCode.Fail,
                        $"{PathVariable} points at '{candidate.Path}', which could not be loaded as a shared library.");
                }

                continue;
            }

            return (handle, candidate.Path, GetApiBaseExport(handle, candidate.Path));
        }

        throw new OnnxRuntimeException(OrtErrorCode.NoSuchFile,
            $"ONNX Runtime ({FileName}) was not found beside the application (runtimes/{RuntimeIdentifier}/native/) " +
            $"nor on the system library path. Build Cloud.OnnxRuntime (it restores the library), or set {PathVariable}.");
    }

    /// <summary>Returns the <c>OrtGetApiBase</c> export of a loaded library, or a clear error when it is not ONNX Runtime.</summary>
    public static nint GetApiBaseExport(nint handle, string source)
    {
        if (!NativeLibrary.TryGetExport(handle, "OrtGetApiBase", out var getApiBase))
        {
            throw new OnnxRuntimeException(OrtErrorCode.Fail,
                $"'{source}' is not ONNX Runtime: it does not export OrtGetApiBase.");
        }

        return getApiBase;
    }

    private static string RuntimeIdentifier => RuntimeInformation.OSArchitecture switch
    {
        Architecture.Arm64 => "linux-arm64",
        _ => "linux-x64",
    };

    private static IEnumerable<(string Path, bool MustExist, bool FromVariable)> Candidates()
    {
        var fromVariable = Environment.GetEnvironmentVariable(PathVariable);
        if (!string.IsNullOrWhiteSpace(fromVariable))
        {
            // An explicit choice is never silently replaced by another library.
            yield return (Path.GetFullPath(fromVariable), true, true);
            yield break;
        }

        var relative = Path.Combine("runtimes", RuntimeIdentifier, "native", FileName);
        yield return (Path.Combine(AppContext.BaseDirectory, relative), true, false);
        var assemblyDirectory = Path.GetDirectoryName(typeof(OrtNativeLibrary).Assembly.Location);
        if (!string.IsNullOrEmpty(assemblyDirectory))
        {
            yield return (Path.Combine(assemblyDirectory, relative), true, false);
        }

        // Last, the system's own search path (an ORT installed in /usr/lib, say).
        yield return (FileName, false, false);
    }
}
