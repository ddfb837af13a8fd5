using Cloud.Storage.AzureStorage;
using Cloud.Storage.Tables;

namespace Cloud.Storage.Tests.Azurite;

/// <summary>Stores handed out by one account share its service clients and work like stores opened on their own.</summary>
[RequiresNode]
[Collection(AzuriteTests.Name)]
public sealed class AzureStorageAccountTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task AnAccountFromAConnectionStringHandsOutWorkingStores()
    {
        var account = new AzureStorageAccount(azurite.ConnectionString);
        var container = Names.Container();
        var blobs = account.GetBlobStore(container);
        var table = account.GetTableStore(Names.Table());

        Assert.True(await blobs.CreateContainerIfNotExistsAsync());
        Assert.True(await table.CreateTableIfNotExistsAsync());
        var written = await blobs.PutAsync("a.txt", new PatternStream(10));
        var inserted = await table.InsertAsync(new TableEntity("m", "r").Set("A", 1));

        Assert.Equal(AzuriteFixture.DevelopmentAccountName, account.AccountName);
        Assert.Equal($"azure:{AzuriteFixture.DevelopmentAccountName}/{container}", blobs.Description);
        Assert.Equal(written, await new AzureBlobStore(azurite.ConnectionString, container).GetPropertiesAsync("a.txt"));
        Assert.Equal(inserted.ETag, (await new AzureTableStore(azurite.ConnectionString, table.TableName).GetAsync("m", "r"))!.ETag);
    }

    [Fact]
    public void BadNamesAreRefusedBeforeAnyRequest()
    {
        var account = new AzureStorageAccount(azurite.ConnectionString);

        Assert.Throws<ArgumentException>(() => account.GetBlobStore("Not_A_Container"));
        Assert.Throws<ArgumentException>(() => account.GetTableStore("no-dashes"));
    }
}
