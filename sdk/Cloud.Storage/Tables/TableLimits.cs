using System.Globalization;

namespace Cloud.Storage.Tables;

/// <summary>
/// Azure Table's size limits, which every backend applies before it writes: a row that SQLite could keep but Azure
/// would refuse ("The property value exceeds the maximum allowed size (64KB)") is refused by both alike, with the
/// same <see cref="TableLimitException"/>, so code above the stores meets one behaviour and tests on the embedded
/// store see what production would.
/// </summary>
public static class TableLimits
{
    /// <summary>The longest string property: 64 KiB as the service stores it (UTF-16), so 32,768 characters.</summary>
    public const int MaxStringLength = 32 * 1024;

    /// <summary>The largest binary property, in bytes (64 KiB).</summary>
    public const int MaxBinaryLength = 64 * 1024;

    /// <summary>The largest entity (1 MiB), counted as Azure counts it: keys, property names and values.</summary>
    public const int MaxEntityBytes = 1024 * 1024;

    /// <summary>The most properties an entity has besides PartitionKey, RowKey and Timestamp.</summary>
    public const int MaxProperties = 252;

    /// <summary>Null when <paramref name="entity"/> fits every limit, else what does not, naming the property and the limit.</summary>
    /// <param name="entity">The entity about to be written.</param>
    /// <returns>A sentence such as "Property 'Reason' is 102,400 characters long; a table property holds at most 32,768 (64 KiB).".</returns>
    public static string? Problem(TableEntity entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        if (entity.Properties.Count > MaxProperties)
        {
            return Say($"The entity has {entity.Properties.Count:N0} properties; a table entity holds at most {MaxProperties}.");
        }

        // Azure's estimate: 4 bytes, the keys as UTF-16, and per property 8 bytes, its name as UTF-16 and its value.
        long size = 4 + ((entity.PartitionKey.Length + entity.RowKey.Length) * 2L);
        foreach (var (name, value) in entity.Properties)
        {
            switch (value)
            {
                case string text when text.Length > MaxStringLength:
                    return Say($"Property '{name}' is {text.Length:N0} characters long; a table property holds at most {MaxStringLength:N0} (64 KiB).");
                case byte[] bytes when bytes.Length > MaxBinaryLength:
                    return Say($"Property '{name}' is {bytes.Length:N0} bytes long; a table property holds at most {MaxBinaryLength:N0} (64 KiB).");
            }

            size += 8 + (name.Length * 2L) + ValueSize(value);
        }

        return size > MaxEntityBytes
            ? Say($"The entity is {size:N0} bytes as Azure counts them; a table entity holds at most {MaxEntityBytes:N0} (1 MiB).")
            : null;
    }

    /// <summary>Throws <see cref="TableLimitException"/> when <paramref name="entity"/> breaks a limit; every backend calls it before writing.</summary>
    internal static void Check(TableEntity entity)
    {
        if (Problem(entity) is { } problem)
        {
            throw new TableLimitException($"{entity.PartitionKey}/{entity.RowKey}", problem);
        }
    }

    private static long ValueSize(object? value) => value switch
    {
        string text => 4 + (text.Length * 2L),
        byte[] bytes => 4 + bytes.Length,
        bool => 1,
        int => 4,
        Guid => 16,
        null => 0,
        _ => 8, // long, double, DateTimeOffset
    };

    private static string Say(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
