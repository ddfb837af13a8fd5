using System.Text.Json.Nodes;

namespace Cloud.Jobs.Tuning;

/// <summary>A trial to run: a drawn configuration at one rung's resource.</summary>
/// <param name="Number">1, 2, … in the order trials start; names the trial's folder and log lines.</param>
/// <param name="Configuration">Which drawn configuration (1-based): the same configuration runs again at later rungs.</param>
/// <param name="Rung">0 for random search and successive halving's first rung.</param>
/// <param name="HyperParameters">The trainer's hyper-parameters: the drawn values, the resource, and the job's fixed ones.</param>
internal sealed record Trial(int Number, int Configuration, int Rung, JsonObject HyperParameters);

/// <summary>What a trial ended with: the ranking metric on the validation data, or why it has none.</summary>
/// <param name="Metric">The metric's value; null when the trial failed.</param>
/// <param name="Error">Why the trial failed (the trainer exited non-zero, wrote no model, the model could not be validated).</param>
/// <param name="Output">Where the trial's model folder is kept (beside the tune job), when it wrote one.</param>
internal sealed record TrialResult(double? Metric, string? Error, string? Output)
{
    public static TrialResult Failed(string error) => new(null, error, null);
}

/// <summary>One line of a tune job's trial history (<c>jobs/{id}/trials.jsonl</c>).</summary>
internal sealed record TrialRecord(
    int Number, int Configuration, int Rung, JsonObject HyperParameters, string Status, double? Metric, string? Error, string? Output, double Seconds)
{
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
}
