using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Cloud.Storage.Tables;

/// <summary>
/// Entity properties as JSON with an explicit EDM type per value ({"Size":{"t":"Int64","v":"5000000000"}}),
/// so int/long/double/DateTimeOffset/Guid/byte[] come back as exactly the type written. Longs are strings
/// because JSON numbers lose precision above 2^53.
/// </summary>
internal static class SqliteEntityJson
{
    public static string Write(IDictionary<string, object?> properties)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (name, raw) in properties)
            {
                var value = TableValues.Check(name, raw);
                if (value is null)
                {
                    continue; // Azure tables cannot store nulls; every backend drops them so they read back alike.
                }

                writer.WriteStartObject(name);
                switch (value)
                {
                    case string s: writer.WriteString("t", "String"); writer.WriteString("v", s); break;
                    case bool b: writer.WriteString("t", "Boolean"); writer.WriteBoolean("v", b); break;
                    case int i: writer.WriteString("t", "Int32"); writer.WriteNumber("v", i); break;
                    case long l: writer.WriteString("t", "Int64"); writer.WriteString("v", l.ToString(CultureInfo.InvariantCulture)); break;
                    case double d: writer.WriteString("t", "Double"); writer.WriteString("v", d.ToString("R", CultureInfo.InvariantCulture)); break;
                    case DateTimeOffset t: writer.WriteString("t", "DateTime"); writer.WriteString("v", t.UtcDateTime.ToString("O", CultureInfo.InvariantCulture)); break;
                    case Guid g: writer.WriteString("t", "Guid"); writer.WriteString("v", g.ToString("D")); break;
                    case byte[] bytes: writer.WriteString("t", "Binary"); writer.WriteBase64String("v", bytes); break;
                }

                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static void Read(string json, IDictionary<string, object?> into)
    {
        using var document = JsonDocument.Parse(json);
        foreach (var property in document.RootElement.EnumerateObject())
        {
            var value = property.Value.TryGetProperty("v", out var v) ? v : default;
            into[property.Name] = property.Value.GetProperty("t").GetString() switch
            {
                "String" => value.GetString(),
                "Boolean" => value.GetBoolean(),
                "Int32" => value.GetInt32(),
                "Int64" => long.Parse(value.GetString()!, CultureInfo.InvariantCulture),
                "Double" => double.Parse(value.GetString()!, CultureInfo.InvariantCulture),
                "DateTime" => DateTimeOffset.Parse(value.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
                "Guid" => Guid.Parse(value.GetString()!),
                "Binary" => value.GetBytesFromBase64(),
                _ => null,
            };
        }
    }
}
