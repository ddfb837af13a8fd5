namespace Cloud.Storage;

/// <summary>Why a conditional write was refused.</summary>
public enum StorageConflict
{
    /// <summary>Create-only (If-None-Match: *) but the blob or entity exists.</summary>
    AlreadyExists,
    /// <summary>If-Match was given and the stored ETag differs (someone else wrote first).</summary>
    ETagMismatch,
    /// <summary>The write needs an existing blob or entity and there is none.</summary>
    NotFound,
}

/// <summary>
/// A conditional request was refused: the caller's view of the item is stale, or the item exists / does not.
/// Every backend maps its own signal (HTTP 409/412/404, SQLite constraint, file state) to this one type, so
/// optimistic-concurrency code is written once above the stores.
/// </summary>
public sealed class StorageConflictException : Exception
{
    /// <summary>Creates the exception.</summary>
    public StorageConflictException(StorageConflict conflict, string item, string message)
        : base(message)
    {
        Conflict = conflict;
        Item = item;
    }

    /// <summary>Creates the exception with the backend's own error (its request id helps when asking the service why).</summary>
    public StorageConflictException(StorageConflict conflict, string item, string message, Exception? innerException)
        : base(message, innerException)
    {
        Conflict = conflict;
        Item = item;
    }

    /// <summary>What kind of conflict.</summary>
    public StorageConflict Conflict { get; }

    /// <summary>The blob path or "partition/row" of the entity.</summary>
    public string Item { get; }
}
