namespace Cloud.Storage.Blobs;

/// <summary>The local end of <see cref="IBlobStore.DownloadToFileAsync"/>, shared by the backends so they agree on it.</summary>
internal static class LocalFile
{
    /// <summary>
    /// Creates <paramref name="file"/> (and its folder) for writing; throws <see cref="IOException"/> when it already
    /// exists, so a download never overwrites a file someone else is using.
    /// </summary>
    public static FileStream CreateNew(string file)
    {
        ArgumentException.ThrowIfNullOrEmpty(file);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
        return new FileStream(file, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None,
            Options = FileOptions.Asynchronous,
            // Writers hand over large chunks (a range's copy buffer); a FileStream buffer would only add a copy.
            BufferSize = 0,
        });
    }
}
