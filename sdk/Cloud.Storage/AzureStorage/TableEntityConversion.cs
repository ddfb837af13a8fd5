using System.Globalization;
using Azure;
using Cloud.Storage.Tables;
using SdkTableEntity = Azure.Data.Tables.TableEntity;

namespace Cloud.Storage.AzureStorage;

/// <summary>
/// Moves entities between our <see cref="TableEntity"/> and the SDK's, keeping the EDM types our entity allows
/// (string, bool, int, long, double, DateTimeOffset, Guid, byte[]) as they were written.
/// </summary>
internal static class TableEntityConversion
{
    // The SDK keeps these beside the properties in its entity's dictionary; they are not properties of ours.
    private const string TypeAnnotation = "@odata.type";

    private static readonly HashSet<string> SystemNames = new(StringComparer.Ordinal) { "PartitionKey", "RowKey", "Timestamp", "odata.etag" };

    public static SdkTableEntity ToSdk(TableEntity entity)
    {
        TableLimits.Check(entity);
        var sdk = new SdkTableEntity(entity.PartitionKey, entity.RowKey);
        foreach (var (name, raw) in entity.Properties)
        {
            if (SystemNames.Contains(name))
            {
                throw new ArgumentException($"'{name}' is a system property of every entity and cannot be set as a property.", nameof(entity));
            }

            // The service stores no nulls: a null property is simply absent when read back.
            switch (TableValues.Check(name, raw))
            {
                case null:
                    break;
                case double number when !double.IsFinite(number):
                    // The SDK writes doubles as JSON numbers, which have no NaN or infinities. The service reads them
                    // as strings annotated Edm.Double, so the entity carries that annotation itself.
                    sdk[name + TypeAnnotation] = "Edm.Double";
                    sdk[name] = double.IsNaN(number) ? "NaN" : number > 0 ? "Infinity" : "-Infinity";
                    break;
                case DateTimeOffset time:
                    sdk[name] = time.ToUniversalTime();
                    break;
                case { } value:
                    sdk[name] = value;
                    break;
            }
        }

        return sdk;
    }

    public static TableEntity FromSdk(SdkTableEntity sdk)
    {
        var entity = new TableEntity(sdk.PartitionKey, sdk.RowKey) { ETag = sdk.ETag, Timestamp = sdk.Timestamp };
        foreach (var (name, value) in sdk)
        {
            if (!SystemNames.Contains(name) && value is not null)
            {
                entity.Properties[name] = value switch
                {
                    DateTime time => new DateTimeOffset(DateTime.SpecifyKind(time, DateTimeKind.Utc)),
                    DateTimeOffset time => time.ToUniversalTime(),
                    BinaryData bytes => bytes.ToArray(),
                    _ => value,
                };
            }
        }

        return entity;
    }

    /// <summary>A copy of what was written, with the ETag the service answered and the Timestamp that tag carries.</summary>
    public static TableEntity Written(TableEntity entity, ETag etag)
    {
        var written = entity.Clone();
        written.ETag = etag;
        written.Timestamp = TimestampFromETag(etag);
        return written;
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
}
