namespace Cloud.Storage.Blobs;

/// <summary>
/// Validates blob paths the same way for every backend, so a path that works on the filesystem also works on
/// Azure and cannot escape the store's root: relative, '/'-separated, no empty, "." or ".." segments, no
/// backslashes or control characters, at most 1,024 characters (Azure's limit).
/// </summary>
public static class BlobPath
{
    /// <summary>Azure Blob Storage's maximum blob name length.</summary>
    public const int MaxLength = 1024;

    /// <summary>Throws <see cref="ArgumentException"/> naming what is wrong with <paramref name="path"/>.</summary>
    public static string Validate(string path, bool allowEmpty = false)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Length == 0)
        {
            return allowEmpty ? path : throw new ArgumentException("A blob path must not be empty.", nameof(path));
        }

        if (path.Length > MaxLength)
        {
            throw new ArgumentException($"Blob path is {path.Length} characters; the limit is {MaxLength}.", nameof(path));
        }

        foreach (var c in path)
        {
            if (c == '\\' || char.IsControl(c))
            {
                throw new ArgumentException($"Blob path '{Printable(path)}' contains a backslash or control character.", nameof(path));
            }
        }

        var segments = path.Split('/');
        for (var i = 0; i < segments.Length; i++)
        {
            var segment = segments[i];
            var isTrailingPrefix = allowEmpty && i == segments.Length - 1 && segment.Length == 0;
            if ((segment.Length == 0 && !isTrailingPrefix) || segment is "." or "..")
            {
                throw new ArgumentException($"Blob path '{path}' has an empty, '.' or '..' segment.", nameof(path));
            }
        }

        return path;
    }

    private static string Printable(string path) => string.Concat(path.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));
}
