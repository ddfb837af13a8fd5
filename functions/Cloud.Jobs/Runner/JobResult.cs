namespace Cloud.Jobs.Runner;

/// <summary>What a job that ran to the end found, in a sentence (the job row's summary).</summary>
internal sealed record JobResult(string Summary);
