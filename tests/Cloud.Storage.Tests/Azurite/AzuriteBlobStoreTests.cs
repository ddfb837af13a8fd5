using Cloud.Storage.AzureStorage;
using Cloud.Storage.Blobs;

namespace Cloud.Storage.Tests.Azurite;

/// <summary>The blob store contract, against Azurite: each store is a fresh container.</summary>
[RequiresNode]
[Collection(AzuriteTests.Name)]
public sealed class AzuriteBlobStoreTests(AzuriteFixture azurite) : BlobStoreContract
{
    protected override Task<IBlobStore> CreateStoreAsync() => CreateAsync(null);

    protected override Task<IBlobStore> CreateStoreAsync(int blockSize) =>
        CreateAsync(new AzureBlobStoreOptions { BlockSize = blockSize, SingleUploadThreshold = blockSize });

    private async Task<IBlobStore> CreateAsync(AzureBlobStoreOptions? options)
    {
        var store = new AzureBlobStore(azurite.ConnectionString, Names.Container(), options);
        await store.CreateContainerIfNotExistsAsync();
        return store;
    }
}
