using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Cloud.Sdk.Manifests;

namespace Cloud.Jobs.Tuning;

/// <summary>
/// What a tune job searches (its <c>spec</c> beside the train fields every trial shares): the space, the metric that
/// ranks trials, the budget and the strategy. Read once at the start; every problem is named before any trial runs.
/// </summary>
/// <param name="Space">The hyper-parameters searched, in the order given.</param>
/// <param name="Metric">The validation metric that ranks trials; its direction is the metric table's.</param>
/// <param name="Budget">How many trials, how long, how many at once.</param>
/// <param name="Strategy">Random search, or successive halving over a resource parameter.</param>
/// <param name="Seed">Seeds the draws, so a tune job rerun after a crash draws the same trials.</param>
internal sealed partial record TuneSpec(IReadOnlyList<SearchParameter> Space, MetricDefinition Metric, TuneBudget Budget, TuneStrategy Strategy, int Seed)
{
    /// <summary>Parameters a space may have: more is no search a budget of trials can cover.</summary>
    public const int MaxParameters = 32;

    /// <summary>Values a categorical parameter may list.</summary>
    public const int MaxValues = 256;

    /// <summary>Hyper-parameter names, as the train job has them (HyperParameters): part of an environment variable's name, CLOUD_HP_{NAME}.</summary>
    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_]{0,63}$")]
    public static partial Regex ParameterName();

    /// <summary>Reads the tune fields of a job's spec; the problems, one per line, when they are not usable.</summary>
    public static (TuneSpec? Spec, string? Problem) Read(JsonElement? spec)
    {
        var problems = new List<string>();
        if (spec is not { ValueKind: JsonValueKind.Object } root)
        {
            return (null, "A tune job's spec is a JSON object with at least \"space\" and \"metric\".");
        }

        var space = ReadSpace(root, problems);
        var metric = ReadMetric(root, problems);
        var budget = TuneBudget.Read(root, problems);
        var strategy = TuneStrategy.Read(root, space, problems);
        var seed = root.TryGetProperty("seed", out var s) ? (s.TryGetInt32(out var value) ? value : Problem(problems, 0, "\"seed\" must be a whole number (an int32).")) : 1;
        return problems.Count > 0 ? (null, string.Join("\n", problems)) : (new TuneSpec(space, metric!, budget, strategy!, seed), null);
    }

    private static List<SearchParameter> ReadSpace(JsonElement root, List<string> problems)
    {
        var space = new List<SearchParameter>();
        if (!root.TryGetProperty("space", out var node) || node.ValueKind != JsonValueKind.Object)
        {
            problems.Add("\"space\" must be an object: hyper-parameter name → {\"type\": \"categorical\" | \"int\" | \"float\", ...}.");
            return space;
        }

        foreach (var property in node.EnumerateObject())
        {
            if (space.Count == MaxParameters)
            {
                problems.Add($"\"space\" has more than {MaxParameters} parameters.");
                break;
            }

            if (!ParameterName().IsMatch(property.Name))
            {
                problems.Add($"space: '{Shown(property.Name)}' is not a hyper-parameter name: 1 to 64 letters, digits or '_', starting with a letter (the trainer's rule).");
                continue;
            }

            if (ReadParameter(property.Name, property.Value, problems) is { } parameter)
            {
                space.Add(parameter);
            }
        }

        if (space.Count == 0 && problems.Count == 0)
        {
            problems.Add("\"space\" names no hyper-parameter; a tune job needs at least one to search.");
        }

        return space;
    }

    private static SearchParameter? ReadParameter(string name, JsonElement node, List<string> problems)
    {
        var at = $"space.{name}";
        if (node.ValueKind != JsonValueKind.Object || !node.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
        {
            return Problem<SearchParameter>(problems, $"{at} must be an object with \"type\": \"categorical\", \"int\" or \"float\".");
        }

        switch (type.GetString())
        {
            case "categorical":
                if (!node.TryGetProperty("values", out var values) || values.ValueKind != JsonValueKind.Array || values.GetArrayLength() is 0 or > MaxValues)
                {
                    return Problem<SearchParameter>(problems, $"{at}.values must be an array of 1 to {MaxValues} values.");
                }

                if (values.EnumerateArray().Any(v => v.ValueKind is JsonValueKind.Object or JsonValueKind.Array or JsonValueKind.Null
                    || (v.ValueKind == JsonValueKind.String && v.GetString()!.Length > 256)))
                {
                    return Problem<SearchParameter>(problems, $"{at}.values may hold numbers, strings (at most 256 characters) and booleans only.");
                }

                return new CategoricalParameter(name, [.. values.EnumerateArray().Select(v => v.Clone())]);
            case "int" or "float":
                var integer = type.GetString() == "int";
                var log = node.TryGetProperty("log", out var l) && l.ValueKind == JsonValueKind.True;
                if (!Number(node, "min", out var min) || !Number(node, "max", out var max))
                {
                    return Problem<SearchParameter>(problems, $"{at} needs finite numbers \"min\" and \"max\".");
                }

                if (min >= max)
                {
                    return Problem<SearchParameter>(problems, string.Create(CultureInfo.InvariantCulture, $"{at}: min ({min}) must be less than max ({max})."));
                }

                if (log && min <= 0)
                {
                    return Problem<SearchParameter>(problems, string.Create(CultureInfo.InvariantCulture, $"{at}: a log-scale range needs min > 0; it is {min}."));
                }

                return new RangeParameter(name, min, max, integer, log);
            default:
                return Problem<SearchParameter>(problems, $"{at}.type is '{Shown(type.GetString()!)}'; it must be \"categorical\", \"int\" or \"float\".");
        }
    }

    private static MetricDefinition? ReadMetric(JsonElement root, List<string> problems)
    {
        if (!root.TryGetProperty("metric", out var node) || node.ValueKind != JsonValueKind.String)
        {
            return Problem<MetricDefinition>(problems, $"\"metric\" names the validation metric that ranks trials: one of {string.Join(", ", MetricDefinition.All.Select(m => m.Name))}.");
        }

        return MetricDefinition.Find(node.GetString()!)
            ?? Problem<MetricDefinition>(problems, $"\"metric\" is '{Shown(node.GetString()!)}', which is not a metric: one of {string.Join(", ", MetricDefinition.All.Select(m => m.Name))}.");
    }

    internal static bool Number(JsonElement node, string name, out double value)
    {
        value = 0;
        return node.TryGetProperty(name, out var n) && n.ValueKind == JsonValueKind.Number && n.TryGetDouble(out value) && double.IsFinite(value);
    }

    internal static T? Problem<T>(List<string> problems, string problem)
    {
        problems.Add(problem);
        return default;
    }

    private static T Problem<T>(List<string> problems, T fallback, string problem)
    {
        problems.Add(problem);
        return fallback;
    }

    /// <summary>A name from the request, shortened and stripped of control characters so a message stays one readable line.</summary>
    internal static string Shown(string text)
    {
        var clean = new string([.. text.Take(64).Select(c => char.IsControl(c) ? '?' : c)]);
        return text.Length > 64 ? clean + "…" : clean;
    }
}
