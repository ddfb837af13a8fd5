using System.Text;
using System.Text.Json;
using Azure;
using Cloud.Storage.AzureStorage;
using Cloud.Storage.Tables;

namespace Cloud.Storage.Tests.Azurite;

/// <summary>The OData JSON and URL syntax the table client writes, against the documented forms.</summary>
public sealed class TableWireFormatTests
{
    [Fact]
    public void EveryTypeThatJsonCannotCarryIsWrittenWithItsEdmAnnotation()
    {
        var entity = new TableEntity("iris", "v|1")
            .Set("S", "text").Set("B", true).Set("I", 3).Set("L", 5_000_000_000L).Set("D", 2.0).Set("N", double.NaN)
            .Set("T", new DateTimeOffset(2026, 11, 22, 3, 2, 3, 456, TimeSpan.FromHours(1)))
            .Set("G", Guid.Parse("5d7f3a0e-1c2b-4b8a-9f00-0123456789ab")).Set("X", new byte[] { 0, 1, 254, 255 }).Set("Null", null);

        var json = Encoding.UTF8.GetString(TableEntityJson.Serialize(entity));

        const string expected = """
            {"PartitionKey":"iris","RowKey":"v|1","S":"text","B":true,"I":3,"L@odata.type":"Edm.Int64","L":"5000000000","D@odata.type":"Edm.Double","D":2,"N@odata.type":"Edm.Double","N":"NaN","T@odata.type":"Edm.DateTime","T":"2026-11-22T02:02:03.4560000Z","G@odata.type":"Edm.Guid","G":"5d7f3a0e-1c2b-4b8a-9f00-0123456789ab","X@odata.type":"Edm.Binary","X":"AAH+/w=="}
            """;
        Assert.Equal(expected, json);
    }

    [Fact]
    public void ReadingUsesAnnotationsAndInfersTheRest()
    {
        const string json = """
            {"odata.etag":"W/\"datetime'2026-11-22T02%3A29%3A32.1234567Z'\"","PartitionKey":"iris","RowKey":"v|1",
             "Timestamp@odata.type":"Edm.DateTime","Timestamp":"2026-11-22T02:29:32.1234567Z",
             "I":3,"D":2.0,"E":1e300,"Big":3000000000,"L@odata.type":"Edm.Int64","L":"-5","W@odata.type":"Edm.Double","W":4,
             "Inf@odata.type":"Edm.Double","Inf":"-Infinity","S":"x","B":false}
            """;

        using var document = JsonDocument.Parse(json);
        var entity = TableEntityJson.Deserialize(document.RootElement);

        Assert.Equal(new ETag("W/\"datetime'2026-11-22T02%3A29%3A32.1234567Z'\""), entity.ETag);
        Assert.Equal(new DateTimeOffset(2026, 11, 22, 2, 29, 32, TimeSpan.Zero).AddTicks(1234567), entity.Timestamp);
        Assert.Equal(3, Assert.IsType<int>(entity.Properties["I"]));
        Assert.Equal(2.0, Assert.IsType<double>(entity.Properties["D"]));
        Assert.Equal(1e300, Assert.IsType<double>(entity.Properties["E"]));
        Assert.Equal(3e9, Assert.IsType<double>(entity.Properties["Big"]));
        Assert.Equal(-5L, Assert.IsType<long>(entity.Properties["L"]));
        Assert.Equal(4.0, Assert.IsType<double>(entity.Properties["W"]));
        Assert.Equal(double.NegativeInfinity, entity.Properties["Inf"]);
        Assert.Equal(["I", "D", "E", "Big", "L", "W", "Inf", "S", "B"], entity.Properties.Keys);
    }

    [Fact]
    public void TheTimestampOfAWriteIsReadFromTheWeakETag()
    {
        var timestamp = TableEntityJson.TimestampFromETag(new ETag("W/\"datetime'2026-11-22T02%3A29%3A32.1234567Z'\""));

        Assert.Equal(new DateTimeOffset(2026, 11, 22, 2, 29, 32, TimeSpan.Zero).AddTicks(1234567), timestamp);
        Assert.Null(TableEntityJson.TimestampFromETag(new ETag("\"0x8DB\"")));
    }

    [Fact]
    public void SystemPropertiesCannotBeSetAsProperties()
    {
        var entity = new TableEntity("p", "r").Set("Timestamp", DateTimeOffset.UnixEpoch);
        var error = Assert.Throws<ArgumentException>(() => TableEntityJson.Serialize(entity));
        Assert.StartsWith("'Timestamp' is a system property", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EntityAddressesDoubleQuotesThenPercentEncode()
    {
        Assert.Equal("/Registry(PartitionKey='o%27%27brien%20model',RowKey='v%7C1%2B%C3%BC')", TableODataSyntax.EntityPath("Registry", "o'brien model", "v|1+ü"));
    }

    [Theory]
    [InlineData("iris", null, "PartitionKey eq 'iris'")]
    [InlineData("o'brien", "it's", "PartitionKey eq 'o''brien' and RowKey ge 'it''s' and RowKey lt 'it''t'")]
    [InlineData("m", "v|", "PartitionKey eq 'm' and RowKey ge 'v|' and RowKey lt 'v}'")]
    [InlineData("m", "a\uffff", "PartitionKey eq 'm' and RowKey ge 'a\uffff' and RowKey lt 'b'")]
    [InlineData("m", "\uffff", "PartitionKey eq 'm' and RowKey ge '\uffff'")]
    public void PrefixesBecomeKeyRanges(string partitionKey, string? prefix, string filter)
    {
        Assert.Equal(filter, TableODataSyntax.PartitionFilter(partitionKey, prefix));
    }

    [Fact]
    public void ATransactionIsOneChangesetOfPlainHttpRequests()
    {
        var (body, contentType) = TableBatch.Build(new Uri("http://127.0.0.1:10002/devstoreaccount1"), "Registry",
        [
            new(TableTransactionActionType.Insert, new TableEntity("m", "a").Set("V", 1)),
            new(TableTransactionActionType.Update, new TableEntity("m", "b"), new ETag("W/\"datetime'x'\"")),
            new(TableTransactionActionType.Delete, new TableEntity("m", "c"), ETag.All),
        ]);
        var text = Encoding.UTF8.GetString(body);
        var batch = contentType["multipart/mixed; boundary=".Length..];
        var changeset = text.Split("boundary=")[1].Split("\r\n")[0];

        Assert.StartsWith("batch_", batch, StringComparison.Ordinal);
        Assert.Equal(
            $"--{batch}\r\nContent-Type: multipart/mixed; boundary={changeset}\r\n\r\n" +
            $"--{changeset}\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n" +
            "POST http://127.0.0.1:10002/devstoreaccount1/Registry HTTP/1.1\r\nContent-ID: 1\r\nAccept: application/json;odata=minimalmetadata\r\nDataServiceVersion: 3.0\r\n" +
            "Prefer: return-no-content\r\nContent-Type: application/json\r\n\r\n{\"PartitionKey\":\"m\",\"RowKey\":\"a\",\"V\":1}\r\n" +
            $"--{changeset}\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n" +
            "PUT http://127.0.0.1:10002/devstoreaccount1/Registry(PartitionKey='m',RowKey='b') HTTP/1.1\r\nContent-ID: 2\r\nAccept: application/json;odata=minimalmetadata\r\nDataServiceVersion: 3.0\r\n" +
            "If-Match: W/\"datetime'x'\"\r\nContent-Type: application/json\r\n\r\n{\"PartitionKey\":\"m\",\"RowKey\":\"b\"}\r\n" +
            $"--{changeset}\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n" +
            "DELETE http://127.0.0.1:10002/devstoreaccount1/Registry(PartitionKey='m',RowKey='c') HTTP/1.1\r\nContent-ID: 3\r\nAccept: application/json;odata=minimalmetadata\r\nDataServiceVersion: 3.0\r\n" +
            "If-Match: *\r\n\r\n" +
            $"--{changeset}--\r\n--{batch}--\r\n",
            text);
    }

    [Fact]
    public void ABatchAnswerIsReadPartByPartAndAFailureNamesItsIndex()
    {
        const string body =
            "--batchresponse_1\r\nContent-Type: multipart/mixed; boundary=changesetresponse_2\r\n\r\n" +
            "--changesetresponse_2\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n" +
            "HTTP/1.1 412 Precondition Failed\r\nContent-ID: 2\r\nContent-Type: application/json;odata=minimalmetadata;charset=utf-8\r\n\r\n" +
            "{\"odata.error\":{\"code\":\"UpdateConditionNotSatisfied\",\"message\":{\"lang\":\"en-US\",\"value\":\"1:The update condition specified in the request was not satisfied.\"}}}\r\n" +
            "--changesetresponse_2--\r\n--batchresponse_1--\r\n";

        var part = Assert.Single(TableBatch.ParseResponse("multipart/mixed; boundary=batchresponse_1", body));

        Assert.Equal(412, part.Status);
        Assert.Equal("2", part.Headers["Content-ID"]);
        Assert.Equal(1, TableBatch.FailedIndex(StorageErrorParser.ReadJson(Encoding.UTF8.GetBytes(part.Body)).Message));
    }
}
