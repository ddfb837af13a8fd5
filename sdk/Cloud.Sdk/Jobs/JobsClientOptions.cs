namespace Cloud.Sdk.Jobs;

/// <summary>Options of a <see cref="JobsClient"/>.</summary>
public sealed class JobsClientOptions : CloudClientOptions
{
    /// <summary>How often <see cref="JobsClient.FollowAsync"/> looks at the job (default 500 ms).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(500);
}
