using Cloud.Storage.AzureStorage;
using Cloud.Storage.Blobs;

namespace Cloud.Storage.Tests.Azurite;

/// <summary>The blob store contract, against Azurite: each store is a fresh container.</summary>
[RequiresNode]
[Collection(AzuriteTests.Name)]
public sealed class AzuriteBlobStoreTests(AzuriteFixture azurite) : BlobStoreContract
{
    protected override async Task<IBlobStore> CreateStoreAsync()
    {
        var store = new AzureBlobStore(azurite.ConnectionString, Names.Container());
        await store.CreateContainerIfNotExistsAsync();
        return store;
    }
}
