using Azure;
using Azure.Data.Tables;
using Azure.Data.Tables.Sas;
using Azure.Storage.Blobs;
using Azure.Storage.Sas;
using Cloud.Storage.AzureStorage;
using TableEntity = Cloud.Storage.Tables.TableEntity;

namespace Cloud.Storage.Tests.Azurite;

/// <summary>Stores opened with a SAS (a URI or a connection string) work against the emulator, and only as far as the SAS allows.</summary>
[RequiresNode]
[Collection(AzuriteTests.Name)]
public sealed class AzuriteSasTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task AContainerSasUriReadsAndWritesWhatItPermits()
    {
        var name = Names.Container();
        var container = new BlobContainerClient(azurite.ConnectionString, name);
        await container.CreateAsync();
        var readWrite = container.GenerateSasUri(BlobContainerSasPermissions.Read | BlobContainerSasPermissions.Write | BlobContainerSasPermissions.List, DateTimeOffset.UtcNow.AddHours(1));
        var readOnly = container.GenerateSasUri(BlobContainerSasPermissions.Read, DateTimeOffset.UtcNow.AddHours(1));

        var store = new AzureBlobStore(readWrite);
        var written = await store.PutAsync("a.txt", new PatternStream(100));
        var listed = await AsyncItems.ToListAsync(store.ListAsync(""));
        var denied = await Assert.ThrowsAsync<RequestFailedException>(() => new AzureBlobStore(readOnly).PutAsync("b.txt", new PatternStream(1)));

        Assert.Equal(written, Assert.Single(listed));
        Assert.Equal(written, await new AzureBlobStore(readOnly).GetPropertiesAsync("a.txt"));
        Assert.Equal(403, denied.Status);
        Assert.Equal($"azure:{AzuriteFixture.DevelopmentAccountName}/{name}", store.Description);
    }

    [Fact]
    public async Task ASasConnectionStringOpensTheBlobStore()
    {
        var name = Names.Container();
        var container = new BlobContainerClient(azurite.ConnectionString, name);
        await container.CreateAsync();
        var sas = new BlobServiceClient(azurite.ConnectionString).GenerateAccountSasUri(
            AccountSasPermissions.Read | AccountSasPermissions.Write, DateTimeOffset.UtcNow.AddHours(1), AccountSasResourceTypes.Container | AccountSasResourceTypes.Object);

        var store = new AzureBlobStore($"BlobEndpoint={azurite.BlobEndpoint};SharedAccessSignature={sas.Query}", name);
        var written = await store.PutAsync("a.txt", new PatternStream(10));

        Assert.Equal(written, await store.GetPropertiesAsync("a.txt"));
    }

    [Fact]
    public async Task ATableSasUriReadsAndWritesWhatItPermits()
    {
        var name = Names.Table();
        var table = new TableClient(azurite.ConnectionString, name);
        await table.CreateAsync();
        var readWrite = table.GenerateSasUri(TableSasPermissions.Read | TableSasPermissions.Add | TableSasPermissions.Update, DateTimeOffset.UtcNow.AddHours(1));
        var readOnly = table.GenerateSasUri(TableSasPermissions.Read, DateTimeOffset.UtcNow.AddHours(1));

        var store = new AzureTableStore(readWrite);
        var inserted = await store.InsertAsync(new TableEntity("m", "r").Set("A", 1));
        var denied = await Assert.ThrowsAsync<RequestFailedException>(() => new AzureTableStore(readOnly).InsertAsync(new TableEntity("m", "s")));

        Assert.Equal(inserted.ETag, (await new AzureTableStore(readOnly).GetAsync("m", "r"))!.ETag);
        Assert.Equal(403, denied.Status);
        Assert.Equal(name, store.TableName);
    }
}
