using Azure;

namespace Cloud.Storage.Tables;

/// <summary>
/// A table row: keys, the ETag the store gave it, when it was last written, and typed properties.
/// Property values may be string, bool, int, long, double, DateTimeOffset, Guid or byte[] (Azure Table's EDM
/// types); anything else is refused when written. Sizes are limited as Azure limits them (<see cref="TableLimits"/>:
/// 32K characters a string, 1 MiB an entity), by every backend: larger documents belong in blobs. Null values are not stored (Azure cannot hold them): they read back as absent.
/// </summary>
public sealed class TableEntity
{
    /// <summary>Creates an entity with the given keys and no properties.</summary>
    public TableEntity(string partitionKey, string rowKey)
    {
        PartitionKey = TableKey.Validate(partitionKey, nameof(partitionKey));
        RowKey = TableKey.Validate(rowKey, nameof(rowKey));
    }

    /// <summary>The partition key.</summary>
    public string PartitionKey { get; }

    /// <summary>The row key (unique within the partition).</summary>
    public string RowKey { get; }

    /// <summary>The version the store gave this entity when it was read or written; default for new entities.</summary>
    public ETag ETag { get; set; }

    /// <summary>When the store last wrote the entity; null for new entities.</summary>
    public DateTimeOffset? Timestamp { get; set; }

    /// <summary>The properties, by name (ordinal).</summary>
    public IDictionary<string, object?> Properties { get; } = new Dictionary<string, object?>(StringComparer.Ordinal);

    /// <summary>Sets a property; returns this entity for chaining.</summary>
    public TableEntity Set(string name, object? value)
    {
        Properties[name] = TableValues.Check(name, value);
        return this;
    }

    /// <summary>A property as <typeparamref name="T"/>, or default when absent.</summary>
    public T? Get<T>(string name) => Properties.TryGetValue(name, out var value) && value is not null ? (T)TableValues.Convert(value, typeof(T)) : default;

    /// <summary>A copy with the same keys, ETag, timestamp and properties.</summary>
    public TableEntity Clone()
    {
        var copy = new TableEntity(PartitionKey, RowKey) { ETag = ETag, Timestamp = Timestamp };
        foreach (var (name, value) in Properties)
        {
            copy.Properties[name] = value is byte[] bytes ? bytes.ToArray() : value;
        }

        return copy;
    }
}
