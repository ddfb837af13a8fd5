using System.Diagnostics;
using System.Text;

namespace Cloud.Host.Tests;

/// <summary>The inspection child of a host that is killed (kill -9: no shutdown code runs) ends with it. Linux: /proc is read.</summary>
public sealed partial class HostProcessTests
{
    private const int SigKill = 9;

    [Fact]
    public async Task TheInspectionChildEndsWhenItsHostIsKilled()
    {
        using var data = new TempDirectory();
        // A model whose load takes ONNX Runtime tens of seconds (it folds 400 products of 1024×1024 matrices), in the
        // store before the host starts: its inspection, in a child as every model's is here, is running when the host dies.
        var folder = Directory.CreateDirectory(Path.Combine(data.Path, "models", "slow", "1.0.0")).FullName;
        File.WriteAllBytes(Path.Combine(folder, "model.onnx"), OnnxModelBuilder.SlowToLoad(1024, 400));
        File.WriteAllText(Path.Combine(folder, "model.json"), """{"name": "slow", "version": "1.0.0", "format": "onnx", "modelFile": "model.onnx"}""");
        await using var host = HostProcess.Start(
            "--urls", "http://127.0.0.1:0",
            "--Cloud:Storage:DataDirectory", data.Path,
            "--Cloud:Local:SeedModelsFrom", Directory.CreateDirectory(Path.Combine(data.Path, "no-samples")).FullName,
            "--Cloud:Registration:InProcessInspectionLimit", "0");
        int? child = null;
        try
        {
            await Eventually.TrueAsync(() => (child = InspectionChildOf(host.Id)) is not null, "the host to start inspecting the model in a child");
            var pid = child!.Value;

            Assert.Equal(0, kill(host.Id, SigKill));
            await host.WaitForExitAsync(TimeSpan.FromSeconds(20));

            // Without the parent's pipe it would load on for many seconds more; ended, it is gone (or a zombie nobody reaped).
            var clock = Stopwatch.StartNew();
            while (IsRunning(pid) && clock.Elapsed < TimeSpan.FromSeconds(10))
            {
                await Task.Delay(20);
            }

            Assert.False(IsRunning(pid), $"the inspection child {pid} still runs 10 s after its host was killed");
        }
        finally
        {
            if (child is { } left && IsRunning(left))
            {
                kill(left, SigKill);
            }
        }
    }

    /// <summary>The pid of the host's inspect-model child, once there is one.</summary>
    private static int? InspectionChildOf(int host)
    {
        foreach (var entry in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(entry), out var pid) && ParentOf(pid) == host
                && ReadOrNull(Path.Combine(entry, "cmdline"))?.Replace('\0', ' ').Contains(" inspect-model ", StringComparison.Ordinal) == true)
            {
                return pid;
            }
        }

        return null;
    }

    private static bool IsRunning(int pid) => StatOf(pid) is { } stat && stat.State != 'Z';

    private static int? ParentOf(int pid) => StatOf(pid)?.Parent;

    /// <summary>State and parent from /proc/PID/stat ("pid (comm) state ppid ..."; comm may hold spaces and parentheses).</summary>
    private static (char State, int Parent)? StatOf(int pid)
    {
        var stat = ReadOrNull($"/proc/{pid}/stat");
        if (stat is null)
        {
            return null;
        }

        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (fields[0][0], int.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture));
    }

    private static string? ReadOrNull(string path)
    {
        try
        {
            return File.ReadAllText(path, Encoding.UTF8);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return null; // the process ended while the table was read
        }
    }
}
