using System.Diagnostics;

using Cloud.Serving.Models;
using Cloud.Serving.Tensors;
using Microsoft.ML.OnnxRuntime;

namespace Cloud.TestSupport.Conformance;

/// <summary>
/// Gets libonnx-testdata without root when it is not installed: `apt-get download` fetches the .deb into
/// artifacts/onnx-testdata/ and `dpkg-deb -x` unpacks it there (6 MB, a second or two). Nothing is installed on
/// the system, and a machine without apt simply gets the skip reason instead.
/// </summary>
internal static class BackendTestDataFetcher
{
    private const string Package = "libonnx-testdata";

    /// <summary>The unpacked data folder (holding node/, ...), or null with a reason when it could not be fetched.</summary>
    public static string? TryFetch(out string? failure)
    {
        var cache = Path.Combine(Repo.Root, "artifacts", "onnx-testdata");
        var data = Path.Combine(cache, "usr", "share", Package, "data");
        failure = null;
        if (Directory.Exists(Path.Combine(data, "node")))
        {
            return data;
        }

        try
        {
            Directory.CreateDirectory(cache);
            if (!Run("apt-get", $"download {Package}", cache, out failure))
            {
                return null;
            }

            var deb = Directory.GetFiles(cache, $"{Package}_*.deb").OrderBy(f => f, StringComparer.Ordinal).LastOrDefault();
            if (deb is null || !Run("dpkg-deb", $"-x {Path.GetFileName(deb)} .", cache, out failure))
            {
                failure ??= $"apt-get download left no {Package}_*.deb in {cache}";
                return null;
            }

            return Directory.Exists(Path.Combine(data, "node")) ? data : null;
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException or System.ComponentModel.Win32Exception)
        {
            failure = error.Message;
            return null;
        }
    }

    private static bool Run(string program, string arguments, string directory, out string? failure)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            failure = $"{program} {arguments} did not finish in 2 minutes";
            return false;
        }

        failure = process.ExitCode == 0 ? null : $"{program} {arguments} failed ({process.ExitCode}): {stderr.Result.Trim()}";
        return process.ExitCode == 0;
    }
}
