using System.Text.Json;
using Cloud.Jobs.Tuning;

namespace Cloud.Jobs.Tests.Tuning;

/// <summary>A tune job's spec: what it reads, and every problem named before a trial runs.</summary>
public sealed class TuneSpecTests
{
    [Fact]
    public void AFullSpecIsRead()
    {
        var (spec, problem) = Read("""
            { "space": { "learning_rate": { "type": "float", "min": 0.001, "max": 1, "log": true },
                         "hidden": { "type": "categorical", "values": [8, 16, "wide"] },
                         "layers": { "type": "int", "min": 1, "max": 4 } },
              "metric": "logloss", "budget": { "trials": 27, "time": "00:10:00", "parallel": 2 },
              "strategy": { "name": "halving", "resource": "epochs", "min": 1, "max": 27 }, "seed": 7 }
            """);

        Assert.Null(problem);
        Assert.Equal(["learning_rate", "hidden", "layers"], spec!.Space.Select(p => p.Name));
        Assert.Equal(new RangeParameter("learning_rate", 0.001, 1, Integer: false, Log: true), spec.Space[0]);
        Assert.Equal(new RangeParameter("layers", 1, 4, Integer: true, Log: false), spec.Space[2]);
        Assert.Equal(("logloss", 27, TimeSpan.FromMinutes(10), 2, 7), (spec.Metric.Name, spec.Budget.Trials, spec.Budget.Time, spec.Budget.Parallel, spec.Seed));
        Assert.Equal(new TuneStrategy("halving", "epochs", 1, 27, 3), spec.Strategy);
    }

    [Fact]
    public void DefaultsAreRandomSearchOfTenTrialsOneAtATime()
    {
        var (spec, _) = Read("""{ "space": { "l2": { "type": "float", "min": 0, "max": 1 } }, "metric": "accuracy" }""");

        Assert.Equal((TuneStrategy.Random, 10, null, 1, 1), (spec!.Strategy, spec.Budget.Trials, spec.Budget.Time, spec.Budget.Parallel, spec.Seed));
    }

    [Theory]
    [InlineData("""[]""", "A tune job's spec is a JSON object with at least \"space\" and \"metric\".")]
    [InlineData("""{ "metric": "accuracy" }""", "\"space\" must be an object: hyper-parameter name → {\"type\": \"categorical\" | \"int\" | \"float\", ...}.")]
    [InlineData("""{ "space": {}, "metric": "accuracy" }""", "\"space\" names no hyper-parameter; a tune job needs at least one to search.")]
    [InlineData("""{ "space": { "x": { "type": "float", "min": 0, "max": 1 } }, "metric": "speed" }""", "\"metric\" is 'speed', which is not a metric: one of accuracy, f1, precision, recall, logloss, auc, mse, rmse, mae, r2.")]
    [InlineData("""{ "space": { "../x": { "type": "float", "min": 0, "max": 1 } }, "metric": "auc" }""", "space: '../x' is not a hyper-parameter name: 1 to 64 letters, digits or '_', starting with a letter (the trainer's rule).")]
    [InlineData("""{ "space": { "x": { "type": "float", "min": 1, "max": 1 } }, "metric": "auc" }""", "space.x: min (1) must be less than max (1).")]
    [InlineData("""{ "space": { "x": { "type": "float", "min": 0, "max": 1, "log": true } }, "metric": "auc" }""", "space.x: a log-scale range needs min > 0; it is 0.")]
    [InlineData("""{ "space": { "x": { "type": "float", "min": "0", "max": 1 } }, "metric": "auc" }""", "space.x needs finite numbers \"min\" and \"max\".")]
    [InlineData("""{ "space": { "x": { "type": "normal" } }, "metric": "auc" }""", "space.x.type is 'normal'; it must be \"categorical\", \"int\" or \"float\".")]
    [InlineData("""{ "space": { "x": { "type": "categorical", "values": [] } }, "metric": "auc" }""", "space.x.values must be an array of 1 to 256 values.")]
    [InlineData("""{ "space": { "x": { "type": "categorical", "values": [{ "a": 1 }] } }, "metric": "auc" }""", "space.x.values may hold numbers, strings (at most 256 characters) and booleans only.")]
    [InlineData("""{ "space": { "x": { "type": "int", "min": 0, "max": 9 } }, "metric": "auc", "budget": { "trials": 100000 } }""", "budget.trials must be a whole number from 1 to 1000.")]
    [InlineData("""{ "space": { "x": { "type": "int", "min": 0, "max": 9 } }, "metric": "auc", "budget": { "parallel": 0 } }""", "budget.parallel must be a whole number from 1 to 16.")]
    [InlineData("""{ "space": { "x": { "type": "int", "min": 0, "max": 9 } }, "metric": "auc", "budget": { "time": "soon" } }""", "budget.time must be a positive duration \"hh:mm:ss\", e.g. \"00:30:00\".")]
    [InlineData("""{ "space": { "x": { "type": "int", "min": 0, "max": 9 } }, "metric": "auc", "strategy": "grid" }""", "\"strategy\" must be \"random\" or {\"name\": \"halving\", \"resource\": \"epochs\", \"min\": n, \"max\": n, \"eta\": 3}.")]
    [InlineData("""{ "space": { "epochs": { "type": "int", "min": 0, "max": 9 } }, "metric": "auc", "strategy": { "name": "halving", "resource": "epochs", "min": 1, "max": 9 } }""", "strategy.resource 'epochs' is also in the space; successive halving sets it, so leave it out of the space.")]
    [InlineData("""{ "space": { "x": { "type": "int", "min": 0, "max": 9 } }, "metric": "auc", "strategy": { "name": "halving", "resource": "epochs", "min": 9, "max": 3 } }""", "strategy.min (9) must be less than strategy.max (3).")]
    [InlineData("""{ "space": { "x": { "type": "int", "min": 0, "max": 9 } }, "metric": "auc", "strategy": { "name": "halving", "resource": "epochs", "min": 1, "max": 9, "eta": 1 } }""", "strategy.eta must be a whole number from 2 to 10 (the share of trials kept at each rung is 1/eta).")]
    public void EachProblemIsNamed(string json, string expected)
    {
        var (spec, problem) = Read(json);

        Assert.Null(spec);
        Assert.Equal(expected, problem);
    }

    [Fact]
    public void AHostileSpaceIsRefusedWithoutReadingItAll()
    {
        var parameters = string.Join(", ", Enumerable.Range(0, 40).Select(i => $"\"p{i}\": {{ \"type\": \"int\", \"min\": 0, \"max\": 1 }}"));

        var (_, problem) = Read($$"""{ "space": { {{parameters}} }, "metric": "auc" }""");

        Assert.Equal("\"space\" has more than 32 parameters.", problem);
    }

    private static (TuneSpec? Spec, string? Problem) Read(string json) => TuneSpec.Read(JsonDocument.Parse(json).RootElement.Clone());
}
