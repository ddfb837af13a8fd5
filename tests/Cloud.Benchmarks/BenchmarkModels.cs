using System.Diagnostics;

namespace Cloud.Benchmarks;

/// <summary>
/// Paths of the models the benchmarks run, found from the repository root. The MLP (~5 MB of random weights)
/// is not committed: it is generated on first use, with the same script and seed that run.sh uses.
/// </summary>
internal static class BenchmarkModels
{
    private const string Python = "/usr/bin/python3";

    private static readonly Lazy<string> s_mlp = new(EnsureMlp, LazyThreadSafetyMode.ExecutionAndPublication);

    public static string Root { get; } = FindRoot();

    /// <summary>Iris classifier: <c>features</c> float32 [batch, 4] → <c>probabilities</c> [batch, 3], <c>label</c> int64 [batch].</summary>
    public static string Iris => Path.Combine(Root, "samples", "models", "iris", "model.onnx");

    /// <summary>Identity: <c>x</c> float32 [batch, 3] → <c>y</c>. Almost no compute, so a Run costs the binding plus ORT's fixed per-call work.</summary>
    public static string Identity => Path.Combine(Root, "samples", "models", "tiny", "identity_float.onnx");

    /// <summary>MLP 256→1024→1024→10: <c>x</c> float32 [batch, 256] → <c>y</c> float32 [batch, 10].</summary>
    public static string Mlp => s_mlp.Value;

    private static string EnsureMlp()
    {
        var path = Path.Combine(Root, "samples", "models", "bench", "mlp", "model.onnx");
        if (File.Exists(path))
        {
            return path;
        }

        var script = Path.Combine(Root, "samples", "models", "bench", "generate.py");
        var (exitCode, output) = RunPython($"\"{script}\" --only mlp");
        if (exitCode != 0 || !File.Exists(path))
        {
            var (onnxCode, _) = RunPython("-c \"import onnx, numpy\"");
            var hint = onnxCode != 0
                ? $"{Python} cannot import onnx and numpy: install the Debian packages python3-onnx and python3-numpy."
                : "See the generator's output above.";
            throw new InvalidOperationException(
                $"The benchmark MLP {path} is missing and generating it with '{Python} {script} --only mlp' failed (exit {exitCode}). {hint}\n{output}");
        }

        return path;
    }

    private static (int ExitCode, string Output) RunPython(string arguments)
    {
        if (!File.Exists(Python))
        {
            return (-1, $"{Python} does not exist.");
        }

        var start = new ProcessStartInfo(Python, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {Python}.");
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout + stderr.Result);
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Cloud.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"Cloud.sln not found above {AppContext.BaseDirectory}: run the benchmarks from the repository.");
    }
}
