using System.Collections.Concurrent;
using System.Text;
using Cloud.Registry.Traffic;

namespace Cloud.Serving.Statistics;

/// <summary>
/// Per-version prediction counts of this process (what <c>/api/status</c> shows under <c>traffic</c>), which
/// <see cref="VersionStatisticsPublisher"/> publishes for promote jobs in any process. Kept apart from the model cache
/// so that a version unloaded and loaded again keeps counting from where it was: counts are cumulative per process.
/// </summary>
internal sealed class VersionRequestStatistics
{
    private readonly ConcurrentDictionary<(string Model, string Version), VersionRequestCounters> _versions = new();

    private readonly TimeProvider _time;

    public VersionRequestStatistics(TimeProvider time)
    {
        _time = time;
        // Unique per process run, readable in a listing: a restarted host publishes under a new name, so the sums of
        // every instance's last counts never go backwards.
        var name = new StringBuilder();
        foreach (var c in $"{Environment.MachineName}-{Environment.ProcessId}-{time.GetUtcNow():yyyyMMddHHmmssfff}")
        {
            name.Append(char.IsAsciiLetterOrDigit(c) || c == '-' ? char.ToLowerInvariant(c) : '-');
        }

        Instance = name.ToString();
    }

    /// <summary>This process's name in the shared store.</summary>
    public string Instance { get; }

    public VersionRequestCounters For(string model, string version) => _versions.GetOrAdd((model, version), static (_, time) => new VersionRequestCounters(time), _time);

    /// <summary>The clock the windows count by: the dashboard reads them at its "now".</summary>
    public DateTimeOffset Now => _time.GetUtcNow();

    /// <summary>The versions of <paramref name="model"/> this process has answered for, with their last hour minute by minute.</summary>
    public IEnumerable<(string Version, MinuteCounts[] Minutes)> LastHour(string model)
    {
        var now = Now;
        return _versions.Where(v => v.Key.Model == model).OrderBy(v => v.Key.Version, StringComparer.Ordinal)
            .Select(v => (v.Key.Version, v.Value.Window.Read(now)));
    }

    /// <summary>Every version this process has answered for, with its counts now.</summary>
    public IEnumerable<(string Model, string Version, VersionTraffic Traffic)> Read() =>
        _versions.OrderBy(v => v.Key.Model, StringComparer.Ordinal).ThenBy(v => v.Key.Version, StringComparer.Ordinal)
            .Select(v => (v.Key.Model, v.Key.Version, v.Value.Read()));
}
