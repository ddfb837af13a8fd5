using System.Globalization;
using System.Text.Json;

namespace Cloud.Jobs.Tuning;

/// <summary>
/// How trials are chosen (<c>strategy</c>). <c>"random"</c>: every configuration drawn runs once, to the end.
/// <c>{"name": "halving", "resource": "epochs", "min": 10, "max": 270, "eta": 3}</c>: successive halving (Jamieson and
/// Talwalkar, 2016) — every configuration runs with the least resource, the best 1/eta of them go on with eta times as
/// much, and so on until the most; the resource is a hyper-parameter the trainer reads (epochs, steps), not in the space.
/// </summary>
internal sealed record TuneStrategy(string Name, string? Resource, long MinResource, long MaxResource, int Eta)
{
    public const string RandomName = "random";
    public const string HalvingName = "halving";

    public static TuneStrategy Random { get; } = new(RandomName, null, 0, 0, 1);

    public bool IsHalving => Name == HalvingName;

    /// <summary>
    /// The rungs of a search of <paramref name="configurations"/> drawn configurations: the resource each rung's trials
    /// get and how many configurations reach it. Random search is one rung of all of them.
    /// </summary>
    public IReadOnlyList<(long? Resource, int Configurations)> Rungs(int configurations)
    {
        if (!IsHalving)
        {
            return [(null, configurations)];
        }

        var rungs = new List<(long?, int)>();
        double resource = MinResource;
        var keep = configurations;
        while (true)
        {
            var atMost = (long)Math.Min(Math.Round(resource), MaxResource);
            rungs.Add((atMost, keep));
            if (atMost >= MaxResource)
            {
                return rungs;
            }

            resource *= Eta;
            keep = Math.Max(1, keep / Eta);
            if (keep == 1)
            {
                resource = MaxResource; // the one left trains as long as any may
            }
        }
    }

    public static TuneStrategy? Read(JsonElement root, IReadOnlyList<SearchParameter> space, List<string> problems)
    {
        if (!root.TryGetProperty("strategy", out var node) || (node.ValueKind == JsonValueKind.String && node.GetString() == RandomName))
        {
            return Random;
        }

        if (node.ValueKind != JsonValueKind.Object || !node.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String)
        {
            return TuneSpec.Problem<TuneStrategy>(problems, "\"strategy\" must be \"random\" or {\"name\": \"halving\", \"resource\": \"epochs\", \"min\": n, \"max\": n, \"eta\": 3}.");
        }

        if (name.GetString() == RandomName)
        {
            return Random;
        }

        if (name.GetString() != HalvingName)
        {
            return TuneSpec.Problem<TuneStrategy>(problems, $"strategy.name is '{TuneSpec.Shown(name.GetString()!)}'; it must be \"random\" or \"halving\".");
        }

        var count = problems.Count;
        var resource = node.TryGetProperty("resource", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString()! : null;
        if (resource is null || !TuneSpec.ParameterName().IsMatch(resource))
        {
            problems.Add("strategy.resource must name the hyper-parameter that says how long a trial trains (e.g. \"epochs\").");
        }
        else if (space.Any(p => p.Name == resource))
        {
            problems.Add($"strategy.resource '{resource}' is also in the space; successive halving sets it, so leave it out of the space.");
        }

        long min = 0, max = 0;
        if (!TuneSpec.Number(node, "min", out var minValue) || !TuneSpec.Number(node, "max", out var maxValue)
            || minValue < 1 || maxValue > 1e9 || minValue != Math.Floor(minValue) || maxValue != Math.Floor(maxValue))
        {
            problems.Add("strategy.min and strategy.max must be whole numbers from 1 to 1,000,000,000.");
        }
        else if ((min = (long)minValue) >= (max = (long)maxValue))
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"strategy.min ({min}) must be less than strategy.max ({max})."));
        }

        var eta = 3;
        if (node.TryGetProperty("eta", out var e) && !(e.TryGetInt32(out eta) && eta is >= 2 and <= 10))
        {
            problems.Add("strategy.eta must be a whole number from 2 to 10 (the share of trials kept at each rung is 1/eta).");
        }

        return problems.Count > count ? null : new TuneStrategy(HalvingName, resource, min, max, eta);
    }
}
