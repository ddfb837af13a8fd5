using System.Text.Json;
using Cloud.Registry.Traffic;

namespace Cloud.Jobs.Promotion;

/// <summary>
/// A promote job's spec: which soak round it is, the version it compares with, and both versions' cumulative counts
/// when the soak began, so the job judges only the window (the counts now minus these).
/// </summary>
/// <param name="Round">1 for the first window; a round with too few requests queues the next, up to <see cref="SoakScheduling.MaxRounds"/>.</param>
/// <param name="ComparedVersion">The version under <c>compareWith</c> when the soak began; null when there was none.</param>
/// <param name="CandidateSince">The candidate's counts when the soak began.</param>
/// <param name="ComparedSince">The compared version's counts when the soak began.</param>
internal sealed record PromoteJobSpec(int Round, string? ComparedVersion, VersionTraffic CandidateSince, VersionTraffic ComparedSince)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public JsonElement ToJson() => JsonSerializer.SerializeToElement(this, Json);

    /// <summary>The spec, or null when the message carries none that reads as one.</summary>
    public static PromoteJobSpec? From(JsonElement? spec)
    {
        if (spec is not { ValueKind: JsonValueKind.Object } json)
        {
            return null;
        }

        try
        {
            return json.Deserialize<PromoteJobSpec>(Json) is { Round: > 0, CandidateSince: not null, ComparedSince: not null } read ? read : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
