using System.Text.Json;
using System.Text.Json.Nodes;
using Cloud.Jobs.Tuning;

namespace Cloud.Jobs.Tests.Tuning;

/// <summary>The search on its own: draws, rungs, the winner, the budget — trials are functions of their hyper-parameters.</summary>
public sealed class TunerTests
{
    [Theory]
    // eta 3 from 1 to 27 with 27 configurations: 27 at 1, 9 at 3, 3 at 9, 1 at 27 (Jamieson and Talwalkar's example).
    [InlineData(27, 1, 27, 3, "27@1 9@3 3@9 1@27")]
    // 10 at 10, 10/3 = 3 at 30; 3/3 = 1 left, who trains to the most (100), not to 90.
    [InlineData(10, 10, 100, 3, "10@10 3@30 1@100")]
    // eta 2 from 5 to 30: 8 at 5, 4 at 10, 2 at 20, and the next rung (40) is capped at 30.
    [InlineData(8, 5, 30, 2, "8@5 4@10 2@20 1@30")]
    public void SuccessiveHalvingRungs(int configurations, long min, long max, int eta, string expected)
    {
        var rungs = new TuneStrategy(TuneStrategy.HalvingName, "epochs", min, max, eta).Rungs(configurations);

        Assert.Equal(expected, string.Join(" ", rungs.Select(r => $"{r.Configurations}@{r.Resource}")));
    }

    [Fact]
    public void DrawsStayInTheirRangesAndALogScaleSpendsAsManyOnEachDecade()
    {
        var tuner = Tuner(Space("""{ "lr": { "type": "float", "min": 0.0001, "max": 1, "log": true }, "n": { "type": "int", "min": 1, "max": 3 }, "act": { "type": "categorical", "values": ["relu", "tanh"] } }"""), trials: 1000);

        var drawn = tuner.Draw();

        var lr = drawn.Select(d => d["lr"]!.GetValue<double>()).ToList();
        Assert.All(lr, v => Assert.InRange(v, 0.0001, 1));
        // Four decades, 1000 draws: 250 expected in each; a binomial's sd is √(1000·¼·¾) ≈ 13.7, so ±70 is over 5 sd.
        foreach (var decade in Enumerable.Range(0, 4))
        {
            Assert.InRange(lr.Count(v => v >= Math.Pow(10, decade - 4) && v < Math.Pow(10, decade - 3)), 180, 320);
        }

        Assert.Equal([1L, 2L, 3L], drawn.Select(d => d["n"]!.GetValue<long>()).Distinct().Order());
        Assert.Equal(["relu", "tanh"], drawn.Select(d => d["act"]!.GetValue<string>()).Distinct().Order());
        Assert.Equal(drawn.Select(d => d.ToJsonString()), tuner.Draw().Select(d => d.ToJsonString())); // the same seed draws the same
    }

    [Fact]
    public async Task HalvingFindsTheConfigurationClosestToTheOptimumAndRunsEachRungsTrials()
    {
        // The score is −(x − 0.3)², whatever the epochs: the best drawn configuration, worked out from the draws
        // themselves, must survive every rung and win.
        var spec = Spec("""{ "x": { "type": "float", "min": 0, "max": 1 } }""", trials: 9, strategy: new TuneStrategy(TuneStrategy.HalvingName, "epochs", 1, 9, 3));
        var tuner = new Tuner(spec, Fixed("""{ "seed": 5 }"""), TimeProvider.System);
        var drawn = tuner.Draw().Select(d => d["x"]!.GetValue<double>()).ToList();
        var closest = drawn.IndexOf(drawn.MinBy(x => Math.Abs(x - 0.3))) + 1;

        var result = await tuner.RunAsync((trial, _) => Task.FromResult(new TrialResult(-Math.Pow(trial.HyperParameters["x"]!.GetValue<double>() - 0.3, 2), null, $"trial-{trial.Number}")), _ => { }, CancellationToken.None);

        Assert.Equal("9@1 3@3 1@9", string.Join(" ", result.Trials.GroupBy(t => t.Rung).Select(g => $"{g.Count()}@{g.First().HyperParameters["epochs"]}")));
        Assert.Equal((closest, 2, 13, "trial-13"), (result.Best!.Configuration, result.Best.Rung, result.Best.Number, result.Best.Output));
        Assert.All(result.Trials, t => Assert.Equal(5, t.HyperParameters["seed"]!.GetValue<int>())); // fixed ones go to every trial
    }

    [Fact]
    public async Task ALowerIsBetterMetricPicksTheLowest()
    {
        var spec = Spec("""{ "x": { "type": "int", "min": 0, "max": 1000 } }""", trials: 6, metric: "rmse");
        var tuner = new Tuner(spec, Fixed("{}"), TimeProvider.System);
        var lowest = tuner.Draw().Min(d => d["x"]!.GetValue<long>());

        var result = await tuner.RunAsync((trial, _) => Task.FromResult(new TrialResult(trial.HyperParameters["x"]!.GetValue<long>(), null, null)), _ => { }, CancellationToken.None);

        Assert.Equal(6, result.Trials.Count);
        Assert.Equal(lowest, result.Best!.Metric);
    }

    [Fact]
    public async Task FailedTrialsAreRecordedAndNeverWin()
    {
        var spec = Spec("""{ "x": { "type": "float", "min": 0, "max": 1 } }""", trials: 4);
        var recorded = new List<TrialRecord>();

        var result = await new Tuner(spec, Fixed("{}"), TimeProvider.System).RunAsync(
            (trial, _) => Task.FromResult(trial.Number == 3 ? new TrialResult(0.5, null, null) : TrialResult.Failed($"trial {trial.Number} exited with code 1")),
            recorded.Add, CancellationToken.None);

        Assert.Equal([1, 2, 3, 4], recorded.Select(r => r.Number).Order());
        Assert.Equal(3, result.Best!.Number);
        Assert.Equal("trial 4 exited with code 1", result.Trials.Single(t => t.Number == 4).Error);
        Assert.Equal(TrialRecord.Failed, result.Trials.Single(t => t.Number == 4).Status);
    }

    [Fact]
    public async Task WhenEveryTrialFailsThereIsNoBest()
    {
        var result = await Tuner(Space("""{ "x": { "type": "float", "min": 0, "max": 1 } }"""), trials: 3)
            .RunAsync((_, _) => Task.FromResult(TrialResult.Failed("no model")), _ => { }, CancellationToken.None);

        Assert.Null(result.Best);
        Assert.Equal(3, result.Trials.Count);
    }

    [Fact]
    public async Task NoMoreThanParallelTrialsRunAtOnce()
    {
        var spec = Spec("""{ "x": { "type": "float", "min": 0, "max": 1 } }""", trials: 12, parallel: 3);
        int running = 0, most = 0;

        await new Tuner(spec, Fixed("{}"), TimeProvider.System).RunAsync(async (trial, token) =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref most, now);
            await Task.Delay(20, token);
            Interlocked.Decrement(ref running);
            return new TrialResult(0, null, null);
        }, _ => { }, CancellationToken.None);

        Assert.Equal(3, most);
    }

    [Fact]
    public async Task NoTrialStartsAfterTheTimeBudget()
    {
        // Each trial takes a minute of the test's clock; with 2.5 minutes, trials start at 0, 1 and 2 minutes only.
        var clock = new TestClock();
        var spec = Spec("""{ "x": { "type": "float", "min": 0, "max": 1 } }""", trials: 10, time: TimeSpan.FromMinutes(2.5));

        var result = await new Tuner(spec, Fixed("{}"), clock).RunAsync((_, _) =>
        {
            clock.Advance(TimeSpan.FromMinutes(1));
            return Task.FromResult(new TrialResult(1, null, null));
        }, _ => { }, CancellationToken.None);

        Assert.Equal(3, result.Trials.Count);
        Assert.True(result.TimeBudgetSpent);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while (value > (seen = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }

    private static Tuner Tuner(IReadOnlyList<SearchParameter> space, int trials) =>
        new(new TuneSpec(space, Cloud.Sdk.Manifests.MetricDefinition.Accuracy, new TuneBudget(trials, null, 1), TuneStrategy.Random, 11), Fixed("{}"), TimeProvider.System);

    private static TuneSpec Spec(string space, int trials, TuneStrategy? strategy = null, string metric = "accuracy", int parallel = 1, TimeSpan? time = null) =>
        new(Space(space), Cloud.Sdk.Manifests.MetricDefinition.Find(metric)!, new TuneBudget(trials, time, parallel), strategy ?? TuneStrategy.Random, 11);

    private static IReadOnlyList<SearchParameter> Space(string json) =>
        TuneSpec.Read(JsonDocument.Parse($$"""{ "space": {{json}}, "metric": "accuracy" }""").RootElement).Spec!.Space;

    private static Dictionary<string, JsonElement> Fixed(string json) =>
        JsonDocument.Parse(json).RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone());
}
