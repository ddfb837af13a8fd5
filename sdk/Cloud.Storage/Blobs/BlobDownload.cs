namespace Cloud.Storage.Blobs;

/// <summary>An open blob: its properties at open time and a forward-only stream over its content.</summary>
public sealed class BlobDownload : IAsyncDisposable, IDisposable
{
    /// <summary>Creates a download.</summary>
    public BlobDownload(BlobProperties properties, Stream content)
    {
        Properties = properties;
        Content = content;
    }

    /// <summary>The blob's properties when it was opened.</summary>
    public BlobProperties Properties { get; }

    /// <summary>The content; read it to the end or dispose it.</summary>
    public Stream Content { get; }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => Content.DisposeAsync();

    /// <inheritdoc/>
    public void Dispose() => Content.Dispose();
}
