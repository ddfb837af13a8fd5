namespace Cloud.Storage.GoogleStorage;

/// <summary>
/// A folder in Google Cloud Storage named as <c>gs://bucket/path/</c> (what Vertex AI's <c>AIP_STORAGE_URI</c> and
/// gsutil write): the bucket and the object-name prefix every path under it starts with ("" or ending in '/').
/// </summary>
public sealed record GcsLocation(string Bucket, string Prefix)
{
    /// <summary>The folder as gs://bucket/prefix.</summary>
    public override string ToString() => $"gs://{Bucket}/{Prefix}";

    /// <summary>Reads a gs:// folder URI; false with <paramref name="problem"/> saying what is wrong with it.</summary>
    public static bool TryParse(string? text, out GcsLocation? location, out string? problem)
    {
        location = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            problem = "it is empty; give the gs://bucket/folder that holds the model's files";
            return false;
        }

        const string scheme = "gs://";
        if (!text.StartsWith(scheme, StringComparison.Ordinal))
        {
            problem = $"'{text}' is not a gs:// URI; give the gs://bucket/folder that holds the model's files";
            return false;
        }

        var rest = text[scheme.Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var bucket = slash < 0 ? rest : rest[..slash];
        var prefix = slash < 0 ? "" : rest[(slash + 1)..];
        if (!IsBucketName(bucket))
        {
            problem = $"'{text}' does not name a valid bucket ('{bucket}'): use 3 to 63 lowercase letters, digits, '-', '_' or '.', starting and ending with a letter or digit";
            return false;
        }

        if (prefix.Length > 0 && !prefix.EndsWith('/'))
        {
            prefix += "/";
        }

        if (prefix.Length > 0)
        {
            try
            {
                Blobs.BlobPath.Validate(prefix, allowEmpty: true);
            }
            catch (ArgumentException)
            {
                problem = $"'{text}' has an empty, '.' or '..' folder, a backslash or a control character in its path";
                return false;
            }
        }

        location = new GcsLocation(bucket, prefix);
        problem = null;
        return true;
    }

    private static bool IsBucketName(string name) =>
        name.Length is >= 3 and <= 63
        && name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_' or '.')
        && char.IsAsciiLetterOrDigit(name[0]) && char.IsAsciiLetterOrDigit(name[^1]);
}
