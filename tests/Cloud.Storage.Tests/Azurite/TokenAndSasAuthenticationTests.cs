using System.Net;
using System.Text;
using Azure;
using Azure.Core.Pipeline;
using Cloud.Storage.AzureStorage;
using Cloud.Storage.Blobs;

namespace Cloud.Storage.Tests.Azurite;

/// <summary>
/// Entra ID and SAS authentication, checked on the requests the clients send. A capturing HTTP handler stands in for
/// the service (bearer tokens are only sent over https, which Azurite serves only with certificates) and a fake
/// credential for Entra ID, so nothing leaves the process. SAS against the real emulator is in
/// <see cref="AzuriteSasTests"/>.
/// </summary>
public sealed class TokenAndSasAuthenticationTests
{
    private const string LastModified = "Sun, 22 Nov 2026 02:00:00 GMT";

    [Fact]
    public async Task TheBlobStoreSendsABearerTokenForTheStorageScope()
    {
        var handler = new CapturingHandler(_ => BlobHead("\"0x8DB1\"", 42));
        var credential = new FakeTokenCredential("token-123");
        var store = new AzureBlobStore(new Uri("https://acct.blob.core.windows.net/models"), credential, Options(handler));

        var properties = await store.GetPropertiesAsync("iris/1.0.0/model.json");

        var request = Assert.Single(handler.Requests);
        Assert.Equal(HttpMethod.Head, request.Method);
        Assert.Equal(new Uri("https://acct.blob.core.windows.net/models/iris/1.0.0/model.json"), request.RequestUri);
        Assert.Equal("Bearer token-123", request.Headers.Authorization?.ToString());
        Assert.Equal(["https://storage.azure.com/.default"], Assert.Single(credential.RequestedScopes));
        Assert.Equal(new BlobProperties("iris/1.0.0/model.json", 42, new ETag("0x8DB1"), new DateTimeOffset(2026, 11, 22, 2, 0, 0, TimeSpan.Zero)), properties);
        Assert.Equal("azure:acct/models", store.Description);
    }

    [Fact]
    public async Task TheTableStoreSendsABearerTokenForTheStorageScope()
    {
        var handler = new CapturingHandler(_ =>
        {
            var response = new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = new StringContent("""{"PartitionKey":"iris","RowKey":"v|1","Timestamp":"2026-11-22T02:00:00.0000000Z","Status":"registered"}""", Encoding.UTF8, "application/json"),
            };
            response.Headers.TryAddWithoutValidation("ETag", "W/\"datetime'2026-11-22T02%3A00%3A00Z'\"");
            return response;
        });
        var credential = new FakeTokenCredential("token-456");
        var options = new AzureTableStoreOptions();
        options.ClientOptions.Transport = new HttpClientTransport(new HttpClient(handler));
        var store = new AzureTableStore(new Uri("https://acct.table.core.windows.net"), "Registry", credential, options);

        var entity = await store.GetAsync("iris", "v|1");

        var request = Assert.Single(handler.Requests);
        Assert.Equal("/Registry(PartitionKey='iris',RowKey='v%7C1')", request.RequestUri!.AbsolutePath);
        Assert.Equal("Bearer token-456", request.Headers.Authorization?.ToString());
        Assert.Equal(["https://storage.azure.com/.default"], Assert.Single(credential.RequestedScopes));
        Assert.Equal("registered", entity!.Get<string>("Status"));
        Assert.Equal("azure:acct/Registry", store.Description);
    }

    [Fact]
    public void TokensAreNeverSentOverPlainHttp()
    {
        var handler = new CapturingHandler(_ => BlobHead("\"0x1\"", 1));

        // Refused before any request: a bearer token in clear text would be usable by anyone who saw it.
        Assert.Throws<ArgumentException>(() => new AzureBlobStore(new Uri("http://acct.blob.core.windows.net/models"), new FakeTokenCredential("t"), Options(handler)));
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task ASasIsAppendedOnceEvenWhenTheRequestIsRetried()
    {
        var handler = new CapturingHandler(_ => CapturingHandler.Status(HttpStatusCode.ServiceUnavailable), _ => BlobHead("\"0x1\"", 1));
        var options = Options(handler);
        options.ClientOptions.Retry.Delay = TimeSpan.FromMilliseconds(1);
        var store = new AzureBlobStore("BlobEndpoint=https://acct.blob.core.windows.net;SharedAccessSignature=?sv=2024-11-04&sp=r&sig=abc%2Bdef%3D", "models", options);

        await store.GetPropertiesAsync("a.txt");

        Assert.Equal(2, handler.Requests.Count);
        Assert.All(handler.Requests, request =>
        {
            Assert.Equal("https://acct.blob.core.windows.net/models/a.txt?sv=2024-11-04&sp=r&sig=abc%2Bdef%3D", request.RequestUri!.AbsoluteUri);
            Assert.Null(request.Headers.Authorization);
        });
    }

    [Fact]
    public async Task TheDevelopmentStorageConnectionStringSignsWithTheEmulatorsAccountKey()
    {
        var handler = new CapturingHandler(_ => BlobHead("\"0x1\"", 1));
        var store = new AzureBlobStore("UseDevelopmentStorage=true", "models", Options(handler));

        await store.GetPropertiesAsync("a.txt");

        var request = Assert.Single(handler.Requests);
        Assert.Equal(new Uri("http://127.0.0.1:10000/devstoreaccount1/models/a.txt"), request.RequestUri);
        Assert.Equal("SharedKey", request.Headers.Authorization?.Scheme);
        Assert.StartsWith("devstoreaccount1:", request.Headers.Authorization?.Parameter, StringComparison.Ordinal);
        Assert.Equal("azure:devstoreaccount1/models", store.Description);
    }

    private static AzureBlobStoreOptions Options(CapturingHandler handler)
    {
        var options = new AzureBlobStoreOptions();
        options.ClientOptions.Transport = new HttpClientTransport(new HttpClient(handler));
        return options;
    }

    private static HttpResponseMessage BlobHead(string etag, long length)
    {
        var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent([]) };
        response.Content.Headers.ContentLength = length; // a HEAD answer: the blob's length, no body
        response.Headers.TryAddWithoutValidation("ETag", etag);
        response.Content.Headers.TryAddWithoutValidation("Last-Modified", LastModified);
        return response;
    }
}
