using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Azure;
using Cloud.Storage.Tables;

namespace Cloud.Storage.AzureStorage;

/// <summary>
/// Entities in the Table service's OData JSON. JSON has no long, date, GUID or binary, and a whole double such as 2.0
/// would read back as an Int32, so every value that is not a string, bool or Int32 is written with its
/// <c>Prop@odata.type</c> annotation, and reads request minimal metadata so the service sends the annotations back.
/// </summary>
internal static class TableEntityJson
{
    private const string TypeSuffix = "@odata.type";
    private const string DateFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    public static byte[] Serialize(TableEntity entity)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("PartitionKey", entity.PartitionKey);
            writer.WriteString("RowKey", entity.RowKey);
            foreach (var (name, raw) in entity.Properties)
            {
                if (name is "PartitionKey" or "RowKey" or "Timestamp")
                {
                    throw new ArgumentException($"'{name}' is a system property of every entity and cannot be set as a property.", nameof(entity));
                }

                WriteProperty(writer, name, TableValues.Check(name, raw));
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Reads one entity object; <paramref name="etag"/> (from the ETag header) wins over odata.etag.</summary>
    public static TableEntity Deserialize(JsonElement json, ETag? etag = null)
    {
        string? partitionKey = null, rowKey = null, odataETag = null;
        DateTimeOffset? timestamp = null;
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in json.EnumerateObject())
        {
            if (property.Name.EndsWith(TypeSuffix, StringComparison.Ordinal) && property.Value.ValueKind == JsonValueKind.String)
            {
                types[property.Name[..^TypeSuffix.Length]] = property.Value.GetString()!;
            }
        }

        var values = new List<(string Name, object? Value)>();
        foreach (var property in json.EnumerateObject())
        {
            switch (property.Name)
            {
                case "PartitionKey":
                    partitionKey = property.Value.GetString();
                    break;
                case "RowKey":
                    rowKey = property.Value.GetString();
                    break;
                case "Timestamp":
                    timestamp = ParseDate(property.Value.GetString()!);
                    break;
                case "odata.etag":
                    odataETag = property.Value.GetString();
                    break;
                default:
                    // Other annotations (odata.metadata, odata.id, Prop@odata.type...) describe, they are not properties.
                    if (!property.Name.StartsWith("odata.", StringComparison.Ordinal) && !property.Name.Contains('@', StringComparison.Ordinal))
                    {
                        values.Add((property.Name, ReadValue(property.Name, property.Value, types.GetValueOrDefault(property.Name))));
                    }

                    break;
            }
        }

        var entity = new TableEntity(
            partitionKey ?? throw new FormatException("The Table service returned an entity without a PartitionKey."),
            rowKey ?? throw new FormatException("The Table service returned an entity without a RowKey."))
        {
            ETag = etag ?? (odataETag is null ? default : StorageResponses.ParseETag(odataETag)),
            Timestamp = timestamp,
        };
        foreach (var (name, value) in values)
        {
            entity.Properties[name] = value;
        }

        return entity;
    }

    /// <summary>
    /// The service's ETags are <c>W/"datetime'2026-11-22T02%3A29%3A32.1234567Z'"</c>: the entity's new Timestamp,
    /// which lets a write report it without reading the entity back. Null when the tag has another shape.
    /// </summary>
    public static DateTimeOffset? TimestampFromETag(ETag etag)
    {
        var value = etag.ToString();
        var start = value.IndexOf("datetime'", StringComparison.Ordinal);
        if (start < 0)
        {
            return null;
        }

        start += "datetime'".Length;
        var end = value.IndexOf('\'', start);
        return end > start
            && DateTimeOffset.TryParse(Uri.UnescapeDataString(value[start..end]), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var timestamp)
            ? timestamp
            : null;
    }

    private static void WriteProperty(Utf8JsonWriter writer, string name, object? value)
    {
        switch (value)
        {
            case null:
                // The Table service stores no nulls: a null property is simply absent when read back.
                break;
            case string text:
                writer.WriteString(name, text);
                break;
            case bool flag:
                writer.WriteBoolean(name, flag);
                break;
            case int number:
                writer.WriteNumber(name, number);
                break;
            case long number:
                writer.WriteString(name + TypeSuffix, "Edm.Int64");
                writer.WriteString(name, number.ToString(CultureInfo.InvariantCulture));
                break;
            case double number:
                writer.WriteString(name + TypeSuffix, "Edm.Double");
                if (double.IsFinite(number))
                {
                    writer.WriteNumber(name, number);
                }
                else
                {
                    writer.WriteString(name, double.IsNaN(number) ? "NaN" : number > 0 ? "Infinity" : "-Infinity");
                }

                break;
            case DateTimeOffset time:
                writer.WriteString(name + TypeSuffix, "Edm.DateTime");
                writer.WriteString(name, time.UtcDateTime.ToString(DateFormat, CultureInfo.InvariantCulture));
                break;
            case Guid id:
                writer.WriteString(name + TypeSuffix, "Edm.Guid");
                writer.WriteString(name, id.ToString("D"));
                break;
            case byte[] bytes:
                writer.WriteString(name + TypeSuffix, "Edm.Binary");
                writer.WriteBase64String(name, bytes);
                break;
            default:
                throw new ArgumentException($"Property '{name}' has unsupported type {value.GetType().Name}.", nameof(value));
        }
    }

    private static object? ReadValue(string name, JsonElement value, string? type)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return type switch
        {
            null => Inferred(value),
            "Edm.String" => value.GetString(),
            "Edm.Boolean" => value.GetBoolean(),
            "Edm.Int32" => value.GetInt32(),
            "Edm.Int64" => value.ValueKind == JsonValueKind.String ? long.Parse(value.GetString()!, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture) : value.GetInt64(),
            "Edm.Double" => value.ValueKind == JsonValueKind.String ? ParseDouble(value.GetString()!) : value.GetDouble(),
            "Edm.DateTime" => ParseDate(value.GetString()!),
            "Edm.Guid" => Guid.Parse(value.GetString()!),
            "Edm.Binary" => value.GetBytesFromBase64(),
            _ => throw new FormatException($"Property '{name}' has type {type}, which this client does not read."),
        };
    }

    // Unannotated values are strings, booleans, Int32s, or doubles the service wrote with a fraction or exponent.
    private static object? Inferred(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Number when value.GetRawText().AsSpan().IndexOfAny('.', 'e', 'E') < 0 && value.TryGetInt32(out var number) => number,
        JsonValueKind.Number => value.GetDouble(),
        _ => throw new FormatException($"The Table service returned a {value.ValueKind} property value, which has no EDM type."),
    };

    private static double ParseDouble(string text) => text switch
    {
        "NaN" => double.NaN,
        "Infinity" or "INF" => double.PositiveInfinity,
        "-Infinity" or "-INF" => double.NegativeInfinity,
        _ => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
    };

    private static DateTimeOffset ParseDate(string text) =>
        DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}
