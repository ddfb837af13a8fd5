namespace Cloud.Sdk.Jobs;

/// <summary>What a job id may be: it keys the job's row, its messages and its blobs on every backend.</summary>
public static class JobIds
{
    /// <summary>
    /// Longest id. Service Bus message ids hold 128 characters and ours are "{id}:{attempt}"; longer generated ids
    /// (a long model name and version) are shortened by <see cref="Create"/>.
    /// </summary>
    public const int MaxLength = 100;

    /// <summary>Letters, digits, '.', '_', '-' and '+' (a version's build metadata), 1 to <see cref="MaxLength"/> characters, starting with a letter or digit.</summary>
    public static bool IsValid(string? id)
    {
        if (id is not { Length: > 0 and <= MaxLength } || !char.IsAsciiLetterOrDigit(id[0]))
        {
            return false;
        }

        foreach (var c in id)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '_' or '-' or '+'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// An id from readable parts joined by '-' ("validate-iris-1.0.0-0123abcd4567") and a distinguishing suffix. Parts
    /// are cut so that the suffix always survives: it is what makes the id unique.
    /// </summary>
    public static string Create(string suffix, params string?[] parts)
    {
        ArgumentNullException.ThrowIfNull(suffix);
        var head = string.Join('-', parts.Where(p => !string.IsNullOrEmpty(p)));
        var room = MaxLength - suffix.Length - 1;
        return $"{(head.Length > room ? head[..room] : head)}-{suffix}";
    }
}
