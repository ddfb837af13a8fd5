using Cloud.Storage.AzureStorage;
using Cloud.Storage.Blobs;
using Cloud.Storage.Tables;

namespace Cloud.Functions.Hosting;

/// <summary>
/// The stores the host works on: the models container and the registry and jobs tables. Embedded (a folder and a
/// SQLite file under the data directory) unless a storage connection string is configured (Azurite or Azure).
/// </summary>
internal sealed record CloudStores(IBlobStore Models, ITableStore Registry, ITableStore Jobs)
{
    public static async Task<CloudStores> OpenAsync(CloudOptions options, TimeProvider time, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(options.StorageConnectionString))
        {
            var data = Path.GetFullPath(options.DataDirectory);
            var database = Path.Combine(data, "cloud.db");
            return new CloudStores(
                new FileSystemBlobStore(Path.Combine(data, options.ModelsContainer), time),
                new SqliteTableStore(database, options.RegistryTable, time),
                new SqliteTableStore(database, options.JobsTable, time));
        }

        var blobs = new AzureBlobStore(options.StorageConnectionString, options.ModelsContainer);
        var registry = new AzureTableStore(options.StorageConnectionString, options.RegistryTable);
        var jobs = new AzureTableStore(options.StorageConnectionString, options.JobsTable);
        await blobs.CreateContainerIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
        await registry.CreateTableIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
        await jobs.CreateTableIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
        return new CloudStores(blobs, registry, jobs);
    }
}
