using Cloud.Sdk.Jobs;

namespace Cloud.Jobs.Queue;

/// <summary>A message in the dead-letter queue: the job message (null when its body was no job), and why it is there.</summary>
internal sealed record DeadLetteredMessage(string MessageId, JobMessage? Message, string? Reason, string? Description);
