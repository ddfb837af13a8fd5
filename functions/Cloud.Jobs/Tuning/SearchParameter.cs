using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Cloud.Jobs.Tuning;

/// <summary>One hyper-parameter of a search space and how a value of it is drawn.</summary>
internal abstract record SearchParameter(string Name)
{
    /// <summary>A value drawn from the parameter's distribution, as the trainer's hyper-parameter file holds it.</summary>
    public abstract JsonNode Sample(Random random);

    /// <summary>How the parameter reads in a tune job's log.</summary>
    public abstract string Describe();
}

/// <summary>One of a list of values, each equally likely (<c>{"type": "categorical", "values": [...]}</c>).</summary>
internal sealed record CategoricalParameter(string Name, IReadOnlyList<JsonElement> Values) : SearchParameter(Name)
{
    public override JsonNode Sample(Random random) => JsonNode.Parse(Values[random.Next(Values.Count)].GetRawText())!;

    public override string Describe() => $"{Name} ∈ {{{string.Join(", ", Values.Select(v => v.GetRawText()))}}}";
}

/// <summary>
/// A number in [min, max] (<c>{"type": "int" | "float", "min", "max", "log": bool}</c>): uniform, or uniform in its
/// logarithm (a learning rate from 1e-4 to 1e-1 spends as many draws on each decade). Integers are rounded from the
/// continuous draw, clamped to the bounds.
/// </summary>
internal sealed record RangeParameter(string Name, double Min, double Max, bool Integer, bool Log) : SearchParameter(Name)
{
    public override JsonNode Sample(Random random)
    {
        var u = random.NextDouble();
        var value = Log ? Math.Exp(Math.Log(Min) + (u * (Math.Log(Max) - Math.Log(Min)))) : Min + (u * (Max - Min));
        return Integer
            ? JsonValue.Create((long)Math.Clamp(Math.Round(value), Min, Max))
            : JsonValue.Create(Math.Clamp(value, Min, Max));
    }

    public override string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"{Name} ∈ [{Min}, {Max}] ({(Integer ? "int" : "float")}{(Log ? ", log scale" : "")})");
}
