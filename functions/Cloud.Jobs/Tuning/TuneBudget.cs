using System.Globalization;
using System.Text.Json;

namespace Cloud.Jobs.Tuning;

/// <summary>
/// How much a tune job may spend (<c>budget</c>): the configurations it draws (<c>trials</c>), the wall-clock time after
/// which no trial starts (<c>time</c>, running ones finish), and the trials that run at once (<c>parallel</c>).
/// </summary>
internal sealed record TuneBudget(int Trials, TimeSpan? Time, int Parallel)
{
    public const int MaxTrials = 1000;
    public const int MaxParallel = 16;

    public static TuneBudget Read(JsonElement root, List<string> problems)
    {
        if (!root.TryGetProperty("budget", out var node))
        {
            return new TuneBudget(10, null, 1);
        }

        if (node.ValueKind != JsonValueKind.Object)
        {
            return TuneSpec.Problem<TuneBudget>(problems, "\"budget\" must be an object: {\"trials\": n, \"time\": \"hh:mm:ss\", \"parallel\": n}.") ?? new TuneBudget(1, null, 1);
        }

        var trials = Whole(node, "trials", 10, MaxTrials, problems);
        var parallel = Whole(node, "parallel", 1, MaxParallel, problems);
        TimeSpan? time = null;
        if (node.TryGetProperty("time", out var t))
        {
            if (t.ValueKind == JsonValueKind.String && TimeSpan.TryParse(t.GetString(), CultureInfo.InvariantCulture, out var parsed) && parsed > TimeSpan.Zero)
            {
                time = parsed;
            }
            else
            {
                problems.Add("budget.time must be a positive duration \"hh:mm:ss\", e.g. \"00:30:00\".");
            }
        }

        return new TuneBudget(trials, time, parallel);
    }

    private static int Whole(JsonElement node, string name, int fallback, int max, List<string> problems)
    {
        if (!node.TryGetProperty(name, out var n))
        {
            return fallback;
        }

        if (n.ValueKind == JsonValueKind.Number && n.TryGetInt32(out var value) && value >= 1 && value <= max)
        {
            return value;
        }

        problems.Add($"budget.{name} must be a whole number from 1 to {max}.");
        return fallback;
    }
}
