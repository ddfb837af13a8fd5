using System.Text.Json.Serialization;

namespace Cloud.Sdk.Jobs;

/// <summary>Where a job is in its life.</summary>
public enum JobStatus
{
    /// <summary>Waiting on the queue: new, or back after a failure that a retry may fix.</summary>
    Queued,
    /// <summary>A runner holds it.</summary>
    Running,
    /// <summary>Finished; the summary says what it found.</summary>
    Succeeded,
    /// <summary>Finished with a failure that retrying cannot fix (a bad dataset, a timeout); the error says why.</summary>
    Failed,
    /// <summary>Failed as many times as the queue allows; the error is the last attempt's.</summary>
    [JsonStringEnumMemberName("dead-lettered")]
    DeadLettered,
    /// <summary>Cancelled through the management API.</summary>
    Cancelled,
}

/// <summary>Rules about job statuses that every part of Cloud applies the same way.</summary>
public static class JobStatuses
{
    /// <summary>Whether a job in this status is done for good (nothing will run it again).</summary>
    public static bool IsFinished(this JobStatus status) => status is JobStatus.Succeeded or JobStatus.Failed or JobStatus.DeadLettered or JobStatus.Cancelled;

    /// <summary>The lower-case name used in JSON, tables and messages ("queued", "dead-lettered", ...).</summary>
    public static string ToWireName(this JobStatus status) => status == JobStatus.DeadLettered ? "dead-lettered" : status.ToString().ToLowerInvariant();

    /// <summary>Parses a wire name; false when it names no status.</summary>
    public static bool TryParse(string? name, out JobStatus status)
    {
        foreach (var candidate in Enum.GetValues<JobStatus>())
        {
            if (string.Equals(candidate.ToWireName(), name, StringComparison.Ordinal))
            {
                status = candidate;
                return true;
            }
        }

        status = default;
        return false;
    }
}
