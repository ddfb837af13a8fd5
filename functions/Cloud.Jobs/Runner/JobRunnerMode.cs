namespace Cloud.Jobs.Runner;

/// <summary>How the runner runs.</summary>
/// <param name="Worker">
/// It is what the process is for (`Cloud.Host worker`): it runs jobs even where Cloud:Jobs:RunJobs is false, which is
/// how a serving host that shares the settings leaves its jobs to the workers.
/// </param>
/// <param name="UntilEmpty">It stops the process once the queue is drained (`worker --until-empty`, for event-triggered Container Apps jobs).</param>
internal sealed record JobRunnerMode(bool Worker, bool UntilEmpty);
