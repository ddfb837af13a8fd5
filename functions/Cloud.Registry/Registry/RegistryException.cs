namespace Cloud.Registry;

/// <summary>Why the registry refused a request; each maps to one HTTP status in the management API.</summary>
internal enum RegistryError
{
    /// <summary>The model, version or label does not exist (404).</summary>
    NotFound,
    /// <summary>The request breaks a registry rule, e.g. a label on a failed version (409).</summary>
    RuleViolation,
    /// <summary>Someone changed the item since the caller read it (412).</summary>
    Stale,
    /// <summary>The request itself is malformed: a bad label name, weights not summing to 100 (400).</summary>
    Invalid,
}

/// <summary>A registry request was refused; the message says why in terms a person can act on.</summary>
internal sealed class RegistryException(RegistryError error, string message) : Exception(message)
{
    public RegistryError Error { get; } = error;
}
