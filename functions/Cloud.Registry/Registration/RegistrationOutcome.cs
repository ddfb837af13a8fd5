using Cloud.Sdk.Jobs;

namespace Cloud.Registry.Registration;

/// <summary>What one registration attempt concluded. Every host maps it to its trigger's semantics.</summary>
internal enum RegistrationStatus
{
    /// <summary>A new version was recorded as registered.</summary>
    Registered,
    /// <summary>This content is already recorded (a redelivered or repeated event): nothing changed.</summary>
    Unchanged,
    /// <summary>The folder is not complete yet; try again later (the trigger's retry, or the next file's event).</summary>
    Pending,
    /// <summary>The folder is unusable; the version row records status failed with the reason.</summary>
    Failed,
    /// <summary>Different content arrived under an existing version; refused and recorded on that version.</summary>
    Refused,
    /// <summary>The path names no usable model/version (bad name, traversal, not a model folder): logged, no row.</summary>
    Ignored,
}

/// <summary>The outcome of registering the folder a blob belongs to.</summary>
/// <param name="Status">What happened.</param>
/// <param name="Message">A sentence for logs and people.</param>
/// <param name="Model">The model name, when the path gave a usable one.</param>
/// <param name="Version">The version, when the path gave a usable one.</param>
/// <param name="ValidateJob">
/// The validate job of a registered version whose manifest asks for validation: when it is first recorded, and again on
/// every repeated event (enqueueing is idempotent by job id, so a retry after a failed enqueue still queues it once).
/// </param>
internal sealed record RegistrationOutcome(RegistrationStatus Status, string Message, string? Model, string? Version, JobMessage? ValidateJob = null);
