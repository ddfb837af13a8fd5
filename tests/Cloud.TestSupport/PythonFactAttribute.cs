using System.Diagnostics;
using System.Collections.Concurrent;

namespace Cloud.TestSupport;

/// <summary>
/// A fact that needs Debian's Python with some modules (the sample trainers': numpy and onnx, torch): skipped, with a
/// reason naming the Debian packages to install, where /usr/bin/python3 cannot import them. CI installs them
/// (.ci/run); the skip is for a machine without them. xunit 2 reads <see cref="FactAttribute.Skip"/> after
/// constructing the attribute, so deciding here is enough.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class PythonFactAttribute : FactAttribute
{
    public const string Python = "/usr/bin/python3";

    // Modules whose Debian package is not python3-<module>.
    private static readonly Dictionary<string, string> DebianNames = new(StringComparer.Ordinal) { ["grpc"] = "grpcio", ["grpc_tools"] = "grpc-tools" };

    private static readonly ConcurrentDictionary<string, string?> s_missing = new(StringComparer.Ordinal);

    public PythonFactAttribute(params string[] modules)
    {
        if (s_missing.GetOrAdd(string.Join(",", modules), _ => Missing(modules)) is { } reason)
        {
            Skip = reason;
        }
    }

    /// <summary>Why the modules cannot be imported, or null when they can.</summary>
    public static string? Missing(IReadOnlyList<string> modules)
    {
        var packages = string.Join(" ", modules.Select(m => $"python3-{DebianNames.GetValueOrDefault(m, m)}"));
        try
        {
            using var process = Process.Start(new ProcessStartInfo(Python, ["-c", $"import {string.Join(", ", modules)}"]) { RedirectStandardError = true, UseShellExecute = false })!;
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0 ? null
                : $"{Python} cannot import {string.Join(", ", modules)} ({error.Trim().Split('\n').LastOrDefault()}); apt-get install {packages} to run this test";
        }
        catch (System.ComponentModel.Win32Exception error)
        {
            return $"{Python} cannot be started ({error.Message}); apt-get install python3 {packages} to run this test";
        }
    }
}
