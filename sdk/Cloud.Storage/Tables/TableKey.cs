namespace Cloud.Storage.Tables;

/// <summary>Azure Table's key rules, applied by every backend so data moves between them unchanged.</summary>
public static class TableKey
{
    /// <summary>Longest key Azure accepts (1 KiB as UTF-16).</summary>
    public const int MaxLength = 512;

    /// <summary>Throws <see cref="ArgumentException"/> naming what is wrong with the key.</summary>
    public static string Validate(string key, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(key, parameterName);
        if (key.Length is 0 or > MaxLength)
        {
            throw new ArgumentException($"A table key must be 1 to {MaxLength} characters; '{parameterName}' has {key.Length}.", parameterName);
        }

        foreach (var c in key)
        {
            if (c is '/' or '\\' or '#' or '?' || char.IsControl(c))
            {
                throw new ArgumentException($"Table key '{key}' contains '{(char.IsControl(c) ? $"\\u{(int)c:x4}" : c)}', which Azure Table keys may not contain.", parameterName);
            }
        }

        return key;
    }
}
