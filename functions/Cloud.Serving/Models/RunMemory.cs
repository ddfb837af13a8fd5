using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.ML.OnnxRuntime;
using SessionOptions = Microsoft.ML.OnnxRuntime.SessionOptions;

namespace Cloud.Serving.Models;

/// <summary>
/// The bound on what session runs may allocate. Shapes come with requests, so a tiny body can ask a model for
/// gigabytes (ConstantOfShape, Expand, Tile with a large repeat). ORT has no per-run cap, but a CPU arena registered
/// on the process's ORT environment and shared by every session has one: an allocation beyond it fails before any
/// memory is touched, with the sizes in ORT's message. Initializers stay outside it
/// (session.use_device_allocator_for_initializers), so the limit counts run memory (inputs ORT copies, intermediate
/// and output tensors), not model weights, which the cache's budget counts.
/// </summary>
/// <remarks>
/// ORT's environment is one per process, and an allocator registers once: the first session options configured
/// decide the limit for the whole process. The managed API takes the limit as a 32-bit count, hence the 4 GiB cap.
/// </remarks>
internal static partial class RunMemory
{
    public const string Setting = "Cloud:Cache:RunMemoryLimitBytes";

    private static readonly Lock Gate = new();
    private static long? _registered;

    /// <summary>The limit in force for this process, or 0 when runs are not bounded.</summary>
    public static long Limit => _registered ?? 0;

    /// <summary>Makes the session options use the shared, bounded arena (registering it on first use); 0 leaves ORT's own per-session arena.</summary>
    /// <returns>The limit in force, which is the first one asked for in this process.</returns>
    public static long Apply(SessionOptions sessionOptions, long limit)
    {
        ArgumentNullException.ThrowIfNull(sessionOptions);
        lock (Gate)
        {
            if (_registered is null)
            {
                if (limit > 0)
                {
                    using var memory = new OrtMemoryInfo(OrtMemoryInfo.allocatorCPU, OrtAllocatorType.ArenaAllocator, 0, OrtMemType.Default);
                    // Extend by what is asked (strategy 1), not by doubling: doubling would reserve up to twice the
                    // largest run; -1 keeps ORT's defaults for the chunk settings.
                    using var arena = new OrtArenaCfg(checked((uint)limit), 1, -1, -1);
                    OrtEnv.Instance().CreateAndRegisterAllocator(memory, arena);
                }

                _registered = limit;
            }
        }

        if (_registered > 0)
        {
            sessionOptions.AddSessionConfigEntry("session.use_env_allocators", "1");
            sessionOptions.AddSessionConfigEntry("session.use_device_allocator_for_initializers", "1");
        }

        return _registered.Value;
    }

    /// <summary>
    /// The answer for a run that could not get its memory, or null when the error is something else: 400 when the
    /// one buffer is larger than the whole limit (retrying cannot help), 503 when other runs hold the memory it needs.
    /// </summary>
    public static (bool Permanent, string Message)? Describe(OnnxRuntimeException error)
    {
        ArgumentNullException.ThrowIfNull(error);
        if (ArenaFull().Match(error.Message) is { Success: true } full)
        {
            var available = long.Parse(full.Groups["available"].Value, CultureInfo.InvariantCulture);
            var requested = long.Parse(full.Groups["requested"].Value, CultureInfo.InvariantCulture);
            var limit = Limit;
            return requested > limit
                ? (true, $"This request needs a tensor of {requested:N0} bytes, more than one run may use ({limit:N0} bytes, {Setting}). Send smaller shapes or values.")
                : (false, $"This request needs a tensor of {requested:N0} bytes and only {available:N0} of the {limit:N0} bytes that runs may use together ({Setting}) are free now; try again.");
        }

        if (AllocationFailed().Match(error.Message) is { Success: true } failed)
        {
            var requested = long.Parse(failed.Groups["requested"].Value, CultureInfo.InvariantCulture);
            return (true, $"This request needs a tensor of {requested:N0} bytes, which the host could not allocate. Send smaller shapes or values.");
        }

        return null;
    }

    [GeneratedRegex(@"Available memory of (?<available>\d+) is smaller than requested bytes of (?<requested>\d+)")]
    private static partial Regex ArenaFull();

    [GeneratedRegex(@"Failed to allocate memory for requested buffer of size (?<requested>\d+)")]
    private static partial Regex AllocationFailed();
}
