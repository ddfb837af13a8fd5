using Cloud.Registry.Stores;
using Cloud.Storage.AzureStorage;
using Cloud.Storage.Blobs;
using Cloud.Storage.Tables;

namespace Cloud.Registry.Tests.Stores;

/// <summary>Which stores the storage settings open, and the settings that are refused with the setting named.</summary>
public sealed class StorageOptionsTests
{
    private const string Section = "Cloud:Storage";

    [Fact]
    public void WithoutAnAccountTheStoresAreEmbeddedUnderTheDataDirectory()
    {
        var data = Path.Combine(Path.GetTempPath(), $"cloud-stores-{Guid.NewGuid():N}");
        var stores = CloudStores.Open(new StorageOptions { DataDirectory = data }, TimeProvider.System);

        Assert.IsType<FileSystemBlobStore>(stores.Models);
        Assert.IsType<SqliteTableStore>(stores.Registry);
        Assert.IsType<SqliteTableStore>(stores.Jobs);
        Assert.Equal($"file:{Path.Combine(data, "models")}", stores.Models.Description);
        Assert.Equal($"file:{Path.Combine(data, "models-registered")}", stores.Registered.Description);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(data, recursive: true);
    }

    [Fact]
    public void ServiceUrisOpenTheAccountsStoresWithAnEntraIdCredential()
    {
        // Nothing is sent here: DefaultAzureCredential asks for a token on the first request only.
        var stores = CloudStores.Open(new StorageOptions
        {
            BlobServiceUri = new Uri("https://cloudtest.blob.core.windows.net"),
            TableServiceUri = new Uri("https://cloudtest.table.core.windows.net"),
            ModelsContainer = "models",
            RegistryTable = "ModelRegistry",
        }, TimeProvider.System);

        var blobs = Assert.IsType<AzureBlobStore>(stores.Models);
        Assert.Equal(new Uri("https://cloudtest.blob.core.windows.net/models"), blobs.ContainerUri);
        Assert.Equal(new Uri("https://cloudtest.blob.core.windows.net/models-registered"), Assert.IsType<AzureBlobStore>(stores.Registered).ContainerUri);
        Assert.Equal("ModelRegistry", Assert.IsType<AzureTableStore>(stores.Registry).TableName);
    }

    [Fact]
    public void OneServiceUriWithoutTheOtherIsRefusedByName()
    {
        var problems = new StorageOptions { BlobServiceUri = new Uri("https://cloudtest.blob.core.windows.net") }.Validate(Section);

        Assert.Equal(["Cloud:Storage:BlobServiceUri and Cloud:Storage:TableServiceUri go together; only BlobServiceUri is set."], problems);
    }

    [Fact]
    public void AConnectionStringAndServiceUrisTogetherAreRefused()
    {
        var problems = new StorageOptions
        {
            ConnectionString = "UseDevelopmentStorage=true",
            BlobServiceUri = new Uri("https://cloudtest.blob.core.windows.net"),
            TableServiceUri = new Uri("https://cloudtest.table.core.windows.net"),
        }.Validate(Section);

        Assert.Equal(["Cloud:Storage:ConnectionString and Cloud:Storage:BlobServiceUri both name an account; set one of them."], problems);
    }

    [Fact]
    public void TheRegisteredContainerCannotBeTheModelsContainer()
    {
        var problems = new StorageOptions { ModelsContainer = "models", RegisteredContainer = "Models" }.Validate(Section);

        Assert.Equal(["Cloud:Storage:RegisteredContainer must differ from Cloud:Storage:ModelsContainer; both are 'models'."], problems);
    }

    [Fact]
    public void AnAbandonedUploadAgeOfZeroIsRefused()
    {
        var problems = new StorageOptions { AbandonedUploadAge = TimeSpan.Zero }.Validate(Section);

        Assert.Equal(["Cloud:Storage:AbandonedUploadAge must be positive; got 00:00:00."], problems);
    }

    [Fact]
    public void TheDefaultsAreValid() => Assert.Empty(new StorageOptions().Validate(Section));
}
