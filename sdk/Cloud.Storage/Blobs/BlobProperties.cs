using Azure;

namespace Cloud.Storage.Blobs;

/// <summary>What a store knows about one blob without reading it.</summary>
/// <param name="Path">The blob's path in its container.</param>
/// <param name="Size">Its length in bytes.</param>
/// <param name="ETag">Changes on every write; use it for If-Match.</param>
/// <param name="LastModified">When it was last written.</param>
public sealed record BlobProperties(string Path, long Size, ETag ETag, DateTimeOffset LastModified);
