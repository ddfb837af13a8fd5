using System.Diagnostics;
using System.Globalization;

using Cloud.TestSupport;

namespace Cloud.LoadHarness;

/// <summary>The Azure CLI as a user runs it: `az storage blob upload` against a connection string.</summary>
internal static class Az
{
    /// <summary>The az executable on PATH, or null.</summary>
    public static string? Find() => ExecutableFactAttribute.Find("az");

    /// <summary>Uploads one file; returns the CPU seconds az's process tree used (from /usr/bin/time when present, else 0).</summary>
    public static async Task<double> UploadAsync(string az, string connectionString, string container, string name, string file, int connections)
    {
        var timeTool = File.Exists("/usr/bin/time") ? "/usr/bin/time" : null;
        var start = new ProcessStartInfo(timeTool ?? az) { RedirectStandardError = true, RedirectStandardOutput = true };
        if (timeTool is not null)
        {
            start.ArgumentList.Add("-f");
            start.ArgumentList.Add("cpu %U %S");
            start.ArgumentList.Add(az);
        }

        foreach (var argument in new[] { "storage", "blob", "upload", "--connection-string", connectionString, "--container-name", container, "--name", name,
                     "--file", file, "--max-connections", connections.ToString(CultureInfo.InvariantCulture), "--overwrite", "--only-show-errors", "--output", "none" })
        {
            start.ArgumentList.Add(argument);
        }

        // az keeps its own state (telemetry, config) under the home folder; a throwaway one keeps the user's untouched.
        start.Environment["AZURE_CONFIG_DIR"] = Path.Combine(Path.GetTempPath(), "cloud-harness-az");
        start.Environment["AZURE_CORE_COLLECT_TELEMETRY"] = "false";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        await output;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"az storage blob upload exited with {process.ExitCode}: {errors.Trim()}");
        }

        var line = errors.Split('\n').LastOrDefault(l => l.StartsWith("cpu ", StringComparison.Ordinal));
        return line is null ? 0 : line.Split(' ').Skip(1).Sum(v => double.Parse(v, CultureInfo.InvariantCulture));
    }
}
