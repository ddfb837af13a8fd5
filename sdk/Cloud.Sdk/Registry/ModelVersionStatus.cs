namespace Cloud.Sdk.Registry;

/// <summary>Where a model version is in its life.</summary>
public enum ModelVersionStatus
{
    /// <summary>Its folder was checked and the model loads; it may serve unless the policy requires validation.</summary>
    Registered,
    /// <summary>A validation job is running on it.</summary>
    Validating,
    /// <summary>It met its validation thresholds.</summary>
    Validated,
    /// <summary>It missed its validation thresholds; it never serves.</summary>
    Rejected,
    /// <summary>Its folder is unusable (the reason says why); it never serves.</summary>
    Failed,
    /// <summary>Taken out of service by an operator; it never serves again.</summary>
    Retired,
}

/// <summary>Rules about statuses that every part of Cloud applies the same way.</summary>
public static class ModelVersionStatuses
{
    /// <summary>Whether a version in this status may take traffic (before the policy's validation requirement).</summary>
    public static bool IsServable(this ModelVersionStatus status) =>
        status is ModelVersionStatus.Registered or ModelVersionStatus.Validating or ModelVersionStatus.Validated;

    /// <summary>Whether a version in this status takes traffic under a policy that does or does not require validation.</summary>
    public static bool ServesUnder(this ModelVersionStatus status, bool requireValidation) =>
        status.IsServable() && (!requireValidation || status == ModelVersionStatus.Validated);

    /// <summary>The lower-case name used in JSON, tables and messages ("registered", ...).</summary>
    public static string ToWireName(this ModelVersionStatus status) => status.ToString().ToLowerInvariant();

    /// <summary>Parses a lower-case status name.</summary>
    public static ModelVersionStatus Parse(string name) =>
        Enum.TryParse<ModelVersionStatus>(name, ignoreCase: true, out var status) && !int.TryParse(name, out _)
            ? status
            : throw new FormatException($"'{name}' is not a model version status.");
}
