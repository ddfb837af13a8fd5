using Azure;

namespace Cloud.Storage.Blobs;

/// <summary>Preconditions for a blob write (HTTP If-Match / If-None-Match semantics).</summary>
public sealed record BlobWriteConditions
{
    /// <summary>Create only: fail with <see cref="StorageConflict.AlreadyExists"/> when the blob exists.</summary>
    public static BlobWriteConditions IfNoneMatchAny { get; } = new() { CreateOnly = true };

    /// <summary>Replace only this version: fail with <see cref="StorageConflict.ETagMismatch"/> otherwise.</summary>
    public static BlobWriteConditions IfMatch(ETag etag) => new() { MatchETag = etag };

    /// <summary>True for create-only writes.</summary>
    public bool CreateOnly { get; init; }

    /// <summary>The version a write must replace, if any.</summary>
    public ETag? MatchETag { get; init; }
}
