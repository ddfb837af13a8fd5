using Cloud.Storage.AzureStorage;
using Cloud.Storage.Tables;

namespace Cloud.Storage.Tests.Azurite;

/// <summary>The table store contract, against Azurite: each store is a fresh table.</summary>
[RequiresNode]
[Collection(AzuriteTests.Name)]
public sealed class AzuriteTableStoreTests(AzuriteFixture azurite) : TableStoreContract
{
    protected override async Task<ITableStore> CreateStoreAsync()
    {
        var store = new AzureTableStore(azurite.ConnectionString, Names.Table());
        await store.CreateTableIfNotExistsAsync();
        return store;
    }
}
