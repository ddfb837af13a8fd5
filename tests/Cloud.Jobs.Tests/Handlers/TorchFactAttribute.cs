using System.Diagnostics;

namespace Cloud.Jobs.Tests.Handlers;

/// <summary>
/// A fact that is skipped, with a reason naming the Debian package, when Debian's Python cannot import torch (xunit 2
/// reads <see cref="FactAttribute.Skip"/> after constructing the attribute, so deciding here is enough).
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
internal sealed class TorchFactAttribute : FactAttribute
{
    public const string Python = "/usr/bin/python3";

    private static readonly Lazy<string?> s_missing = new(Check);

    public TorchFactAttribute()
    {
        if (s_missing.Value is { } reason)
        {
            Skip = reason;
        }
    }

    private static string? Check()
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(Python, ["-c", "import torch"]) { RedirectStandardError = true, UseShellExecute = false })!;
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0 ? null
                : $"python3-torch is not installed ({Python} -c \"import torch\" failed: {error.Trim().Split('\n').LastOrDefault()}); apt-get install python3-torch to run the PyTorch sample trainer's test";
        }
        catch (System.ComponentModel.Win32Exception error)
        {
            return $"{Python} cannot be started ({error.Message}); apt-get install python3-torch to run the PyTorch sample trainer's test";
        }
    }
}
