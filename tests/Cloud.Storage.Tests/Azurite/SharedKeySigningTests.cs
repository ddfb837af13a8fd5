using System.Security.Cryptography;
using System.Text;
using Azure.Core;
using Azure.Core.Pipeline;
using Cloud.Storage.AzureStorage;

namespace Cloud.Storage.Tests.Azurite;

/// <summary>
/// The strings-to-sign, written out by hand from "Authorize with Shared Key" and compared with what the policies
/// build; the signature is then recomputed here with HMAC-SHA256 over the documented emulator key.
/// </summary>
public sealed class SharedKeySigningTests
{
    private const string Account = StorageConnectionString.DevelopmentAccountName;
    private const string Date = "Sun, 22 Nov 2026 02:00:00 GMT";

    [Fact]
    public void BlobStringToSignHasElevenHeaderLinesSortedXmsHeadersAndThePathStyleResource()
    {
        var request = NewRequest(RequestMethod.Put, "http://127.0.0.1:10000/devstoreaccount1/models/dir/a%20b%C3%BC.txt?comp=block&blockid=QUJD%2BZA%3D%3D");
        request.Headers.SetValue("x-ms-version", "2024-11-04");
        request.Headers.SetValue("X-MS-Meta-Zeta", "  z  ");
        request.Headers.SetValue("x-ms-date", Date);
        request.Headers.SetValue("x-ms-client-request-id", "abc");
        request.Content = RequestContent.Create("hello"u8.ToArray());

        var expected =
            "PUT\n" +
            "\n" +          // Content-Encoding
            "\n" +          // Content-Language
            "5\n" +         // Content-Length
            "\n\n\n" +      // Content-MD5, Content-Type, Date (x-ms-date is used instead)
            "\n\n\n\n" +    // If-Modified-Since, If-Match, If-None-Match, If-Unmodified-Since
            "\n" +          // Range
            "x-ms-client-request-id:abc\n" +
            "x-ms-date:" + Date + "\n" +
            "x-ms-meta-zeta:z\n" +
            "x-ms-version:2024-11-04\n" +
            "/devstoreaccount1/devstoreaccount1/models/dir/a%20b%C3%BC.txt\n" +
            "blockid:QUJD+ZA==\n" +
            "comp:block";

        Assert.Equal(expected, StorageSharedKeyPolicy.BuildStringToSign(request, Account));
    }

    [Fact]
    public void BlobStringToSignLeavesAZeroContentLengthEmptyAndSignsConditions()
    {
        var request = NewRequest(RequestMethod.Delete, "https://acct.blob.core.windows.net/models/a.txt");
        request.Headers.SetValue("If-Match", "\"0x8DB\"");
        request.Headers.SetValue("x-ms-date", Date);

        var expected = "DELETE\n\n\n\n\n\n\n\n\"0x8DB\"\n\n\n\nx-ms-date:" + Date + "\n/acct/models/a.txt";

        Assert.Equal(expected, StorageSharedKeyPolicy.BuildStringToSign(request, "acct"));
    }

    [Fact]
    public void BlobQueryParametersAreLowercasedSortedAndRepeatedOnesJoined()
    {
        var request = NewRequest(RequestMethod.Get, "https://acct.blob.core.windows.net/models?restype=container&comp=list&Prefix=iris%2F&include=metadata&include=deleted");

        var resource = StorageSharedKeyPolicy.BuildStringToSign(request, "acct").Split("\n/acct/")[1];

        Assert.Equal("models\ncomp:list\ninclude:deleted,metadata\nprefix:iris/\nrestype:container", resource);
    }

    [Fact]
    public void TheBlobPolicyStampsTheDateAndSignsWithTheAccountKey()
    {
        var message = NewMessage(RequestMethod.Get, "http://127.0.0.1:10000/devstoreaccount1/models/a.txt");
        var policy = new StorageSharedKeyPolicy(StorageSharedKey.Create(Account, StorageConnectionString.DevelopmentAccountKey));

        policy.OnSendingRequest(message);

        Assert.True(message.Request.Headers.TryGetValue("x-ms-date", out var date));
        Assert.True(DateTimeOffset.UtcNow - DateTimeOffset.Parse(date!, System.Globalization.CultureInfo.InvariantCulture) < TimeSpan.FromMinutes(1));
        var stringToSign = $"GET\n\n\n\n\n\n\n\n\n\n\n\nx-ms-date:{date}\n/devstoreaccount1/devstoreaccount1/models/a.txt";
        Assert.True(message.Request.Headers.TryGetValue("Authorization", out var authorization));
        Assert.Equal($"SharedKey devstoreaccount1:{Hmac(stringToSign)}", authorization);
    }

    [Fact]
    public void TableStringToSignIsVerbMd5TypeDateAndResourceWithOnlyComp()
    {
        var request = NewRequest(RequestMethod.Put, "http://127.0.0.1:10002/devstoreaccount1/Registry(PartitionKey='o%27%27brien',RowKey='v%7C1')?timeout=30&comp=acl");
        request.Headers.SetValue("Content-Type", "application/json");
        request.Headers.SetValue("x-ms-date", Date);
        request.Headers.SetValue("x-ms-version", "2019-02-02");

        var expected = "PUT\n\napplication/json\n" + Date + "\n/devstoreaccount1/devstoreaccount1/Registry(PartitionKey='o%27%27brien',RowKey='v%7C1')?comp=acl";

        Assert.Equal(expected, TableSharedKeyPolicy.BuildStringToSign(request, Account));
    }

    [Fact]
    public void TableQueriesSignThePathWithoutTheirFilter()
    {
        var request = NewRequest(RequestMethod.Get, "https://acct.table.core.windows.net/Registry()?$filter=PartitionKey%20eq%20%27iris%27&NextRowKey=1!8");
        request.Headers.SetValue("x-ms-date", Date);

        Assert.Equal("GET\n\n\n" + Date + "\n/acct/Registry()", TableSharedKeyPolicy.BuildStringToSign(request, "acct"));
    }

    [Fact]
    public void TheTablePolicyStampsTheDateAndSignsWithTheAccountKey()
    {
        var message = NewMessage(RequestMethod.Get, "http://127.0.0.1:10002/devstoreaccount1/Tables");
        var policy = new TableSharedKeyPolicy(StorageSharedKey.Create(Account, StorageConnectionString.DevelopmentAccountKey));

        policy.OnSendingRequest(message);

        message.Request.Headers.TryGetValue("x-ms-date", out var date);
        message.Request.Headers.TryGetValue("Authorization", out var authorization);
        Assert.Equal($"SharedKey devstoreaccount1:{Hmac($"GET\n\n\n{date}\n/devstoreaccount1/devstoreaccount1/Tables")}", authorization);
    }

    [Fact]
    public void SharedKeysHideTheKeyAndRefuseBadBase64()
    {
        var key = StorageSharedKey.Create("acct", StorageConnectionString.DevelopmentAccountKey);
        var error = Assert.Throws<FormatException>(() => StorageSharedKey.Create("acct", "abc$"));

        Assert.Equal("acct", key.ToString());
        Assert.Equal("The AccountKey for storage account 'acct' is not valid base64.", error.Message);
    }

    private static string Hmac(string stringToSign) =>
        Convert.ToBase64String(HMACSHA256.HashData(Convert.FromBase64String(StorageConnectionString.DevelopmentAccountKey), Encoding.UTF8.GetBytes(stringToSign)));

    private static HttpMessage NewMessage(RequestMethod method, string uri)
    {
        var message = HttpPipelineBuilder.Build(new AzureBlobStoreOptions()).CreateMessage();
        message.Request.Method = method;
        message.Request.Uri.Reset(new Uri(uri));
        return message;
    }

    private static Request NewRequest(RequestMethod method, string uri) => NewMessage(method, uri).Request;
}
