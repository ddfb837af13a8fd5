using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cloud.Sdk.Manifests;

namespace Cloud.Jobs.Tuning;

/// <summary>
/// Runs a search: draws the configurations, runs them rung by rung (at most <see cref="TuneBudget.Parallel"/> at once,
/// none started after the time budget), keeps the best of each rung for the next, and says which trial won. What a
/// trial is — a trainer run and a validation — is the caller's <c>runTrial</c>, so the search is tested on its own.
/// </summary>
internal sealed class Tuner(TuneSpec spec, IReadOnlyDictionary<string, JsonElement> fixedHyperParameters, TimeProvider time)
{
    /// <summary>What a search ended with: every trial run, and the winner (null when no trial succeeded).</summary>
    public sealed record Result(IReadOnlyList<TrialRecord> Trials, TrialRecord? Best, bool TimeBudgetSpent);

    /// <summary>The configurations the search draws, the same for the same seed (a tune job rerun after a crash draws them again).</summary>
    public IReadOnlyList<JsonObject> Draw()
    {
        var random = new Random(spec.Seed);
        var drawn = new List<JsonObject>(spec.Budget.Trials);
        for (var i = 0; i < spec.Budget.Trials; i++)
        {
            var configuration = new JsonObject();
            foreach (var parameter in spec.Space)
            {
                configuration[parameter.Name] = parameter.Sample(random);
            }

            drawn.Add(configuration);
        }

        return drawn;
    }

    public async Task<Result> RunAsync(
        Func<Trial, CancellationToken, Task<TrialResult>> runTrial, Action<TrialRecord> recorded, CancellationToken cancellationToken)
    {
        var deadline = spec.Budget.Time is { } budget ? time.GetUtcNow() + budget : DateTimeOffset.MaxValue;
        var configurations = Draw();
        var all = new List<TrialRecord>();
        var alive = Enumerable.Range(1, configurations.Count).ToList();
        var number = 0;
        var spent = false;
        TrialRecord? best = null;
        var rungs = spec.Strategy.Rungs(configurations.Count);

        for (var rung = 0; rung < rungs.Count && alive.Count > 0 && !spent; rung++)
        {
            var trials = alive.Take(rungs[rung].Configurations)
                .Select(configuration => new Trial(++number, configuration, rung, HyperParameters(configurations[configuration - 1], rungs[rung].Resource)))
                .ToList();
            var finished = new ConcurrentBag<TrialRecord>();
            var options = new ParallelOptions { MaxDegreeOfParallelism = spec.Budget.Parallel, CancellationToken = cancellationToken };
            await Parallel.ForEachAsync(trials, options, async (trial, token) =>
            {
                if (time.GetUtcNow() >= deadline)
                {
                    spent = true;
                    return;
                }

                var clock = Stopwatch.StartNew();
                var result = await runTrial(trial, token).ConfigureAwait(false);
                var record = new TrialRecord(trial.Number, trial.Configuration, trial.Rung, trial.HyperParameters,
                    result.Metric is null ? TrialRecord.Failed : TrialRecord.Succeeded, result.Metric, result.Error, result.Output, clock.Elapsed.TotalSeconds);
                finished.Add(record);
                recorded(record);
            }).ConfigureAwait(false);

            var ranked = Rank(finished);
            all.AddRange(finished.OrderBy(r => r.Number));
            if (ranked.Count > 0)
            {
                // Later rungs trained longer, so their best is the search's best even when an early rung scored higher.
                best = ranked[0];
            }

            alive = [.. ranked.Select(r => r.Configuration)];
        }

        return new Result(all, best, spent);
    }

    /// <summary>The rung's succeeded trials, best first by the metric's direction; ties go to the earlier trial.</summary>
    private List<TrialRecord> Rank(IEnumerable<TrialRecord> records)
    {
        var succeeded = records.Where(r => r.Metric is not null).OrderBy(r => r.Number);
        return spec.Metric.Direction == MetricDirection.HigherIsBetter
            ? [.. succeeded.OrderByDescending(r => r.Metric!.Value)]
            : [.. succeeded.OrderBy(r => r.Metric!.Value)];
    }

    private JsonObject HyperParameters(JsonObject drawn, long? resource)
    {
        var parameters = new JsonObject();
        foreach (var (name, value) in fixedHyperParameters)
        {
            parameters[name] = JsonNode.Parse(value.GetRawText());
        }

        foreach (var (name, value) in drawn)
        {
            parameters[name] = value?.DeepClone();
        }

        if (resource is { } amount)
        {
            parameters[spec.Strategy.Resource!] = amount;
        }

        return parameters;
    }
}
