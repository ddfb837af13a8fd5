namespace Cloud.Sdk.Models;

/// <summary>Options of a <see cref="ModelsClient"/>.</summary>
public sealed class ModelsClientOptions : CloudClientOptions
{
    /// <summary>How often waits (<see cref="ModelsClient.WaitForVersionAsync"/>) look again (default 250 ms).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(250);
}
