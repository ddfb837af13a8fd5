using Cloud.Registry.Settings;

namespace Cloud.Serving.Management;

/// <summary>Settings of the management API (section "Cloud:Management").</summary>
internal sealed record ManagementOptions : ISettings
{
    /// <summary>When set, the management API requires it (header X-Cloud-Admin-Key or a Bearer token). Without it the API answers loopback callers only.</summary>
    public string? AdminKey { get; init; }

    /// <summary>Largest file accepted by the folder upload (model files are big; uploads stream to the store).</summary>
    public long MaxUploadBytes { get; init; } = 16L * 1024 * 1024 * 1024;

    public IEnumerable<string> Validate(string section)
    {
        if (MaxUploadBytes < 1)
        {
            yield return $"{section}:{nameof(MaxUploadBytes)} must be positive; got {MaxUploadBytes}.";
        }
    }
}
