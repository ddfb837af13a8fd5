using Cloud.Registry.Settings;

namespace Cloud.Serving.Http;

/// <summary>Settings of the prediction endpoints (section "Cloud:Serving").</summary>
internal sealed record ServingOptions : ISettings
{
    /// <summary>Largest accepted prediction body; larger ones get 413.</summary>
    public long MaxRequestBodyBytes { get; init; } = 10 * 1024 * 1024;

    public IEnumerable<string> Validate(string section)
    {
        if (MaxRequestBodyBytes < 1024)
        {
            yield return $"{section}:{nameof(MaxRequestBodyBytes)} must be at least 1024; got {MaxRequestBodyBytes}.";
        }
    }
}
