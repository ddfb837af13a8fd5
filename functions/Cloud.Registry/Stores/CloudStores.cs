using Cloud.Storage.AzureStorage;
using Cloud.Storage.Blobs;
using Cloud.Storage.Tables;

namespace Cloud.Registry.Stores;

/// <summary>
/// The stores a deployment works on: the models container (uploads), the registered container (registration's copies,
/// which serving reads), the registry and jobs tables, and the jobs container (job logs). Embedded (folders and a
/// SQLite file under the data directory) unless a storage connection string is configured (Azurite or Azure).
/// </summary>
internal sealed record CloudStores(IBlobStore Models, IBlobStore Registered, ITableStore Registry, ITableStore Jobs, IBlobStore JobFiles)
{
    public static CloudStores Open(StorageOptions options, TimeProvider time)
    {
        if (!options.IsAzure)
        {
            var data = options.FullDataDirectory;
            var database = options.EmbeddedDatabase;
            return new CloudStores(
                new FileSystemBlobStore(Path.Combine(data, options.ModelsContainer), time),
                new FileSystemBlobStore(Path.Combine(data, options.RegisteredContainer), time),
                new SqliteTableStore(database, options.RegistryTable, time),
                new SqliteTableStore(database, options.JobsTable, time),
                new FileSystemBlobStore(Path.Combine(data, options.JobsContainer), time));
        }

        // One account object: one SDK service client per service, shared by the container and both tables.
        var account = string.IsNullOrWhiteSpace(options.ConnectionString)
            ? new AzureStorageAccount(options.BlobServiceUri!, options.TableServiceUri!)
            : new AzureStorageAccount(options.ConnectionString);
        return new CloudStores(account.GetBlobStore(options.ModelsContainer), account.GetBlobStore(options.RegisteredContainer),
            account.GetTableStore(options.RegistryTable), account.GetTableStore(options.JobsTable), account.GetBlobStore(options.JobsContainer));
    }

    /// <summary>Creates the Azure containers and tables when missing (the embedded stores create themselves).</summary>
    public async Task CreateIfMissingAsync(CancellationToken cancellationToken)
    {
        foreach (var container in new[] { Models, Registered, JobFiles }.OfType<AzureBlobStore>())
        {
            await container.CreateContainerIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
        }

        foreach (var table in new[] { Registry, Jobs }.OfType<AzureTableStore>())
        {
            await table.CreateTableIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
