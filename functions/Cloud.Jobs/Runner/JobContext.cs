using Cloud.Sdk.Jobs;

namespace Cloud.Jobs.Runner;

/// <summary>What a handler gets besides its cancellation token.</summary>
/// <param name="Message">The job's message: id, kind, model, version, spec.</param>
/// <param name="Run">Which run of the job this is (1 for the first).</param>
/// <param name="Log">The job's log: what it writes here is in the job's log blob and tail, and in the host's logs.</param>
/// <param name="WorkDirectory">A folder of the run's own, deleted when the run ends.</param>
internal sealed record JobContext(JobMessage Message, int Run, ILogger Log, string WorkDirectory);
