using System.Runtime.InteropServices;

namespace Cloud.LoadHarness;

/// <summary>
/// Peak resident memory of this process and of its finished children, as Linux reports it: what a host
/// actually pays, native allocations (ORT) included, unlike GC counters.
/// </summary>
internal static partial class ProcessMemory
{
    /// <summary>VmHWM: the peak resident set of this process since start or the last <see cref="ResetPeak"/>.</summary>
    public static long PeakBytes() => ReadStatus("VmHWM:");

    /// <summary>VmRSS: the resident set now.</summary>
    public static long CurrentBytes() => ReadStatus("VmRSS:");

    /// <summary>Resets VmHWM to the current RSS (writing 5 to /proc/self/clear_refs, Linux 4.0+).</summary>
    public static void ResetPeak() => File.WriteAllText("/proc/self/clear_refs", "5");

    /// <summary>The largest peak resident set of any waited-for child process (getrusage RUSAGE_CHILDREN).</summary>
    public static long ChildrenPeakBytes()
    {
        const int rusageChildren = -1;
        var usage = new long[18]; // struct rusage: two timevals (4 longs) then 14 longs; ru_maxrss is the first of those
        return getrusage(rusageChildren, usage) == 0 ? usage[4] * 1024 : -1;
    }

    private static long ReadStatus(string key)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith(key, StringComparison.Ordinal))
            {
                return long.Parse(line[key.Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new InvalidOperationException($"{key} not in /proc/self/status");
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int getrusage(int who, [Out] long[] usage);
}
