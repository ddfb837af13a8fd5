using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;

namespace Cloud.Storage.AzureStorage;

/// <summary>
/// One storage account's blob and table services, for a host that opens several stores in it: one SDK service
/// client per service, shared by every store it hands out. Built from a connection string or from the services'
/// URIs and an Entra ID credential.
/// </summary>
public sealed class AzureStorageAccount
{
    private readonly BlobServiceClient _blobs;
    private readonly TableServiceClient _tables;
    private readonly AzureBlobStoreOptions _blobOptions;
    private readonly AzureTableStoreOptions _tableOptions;

    /// <summary>
    /// The account a connection string names: an account key, a SAS (<c>SharedAccessSignature=</c>), or
    /// <c>UseDevelopmentStorage=true</c> for Azurite. The SDK parses it.
    /// </summary>
    public AzureStorageAccount(string connectionString, AzureBlobStoreOptions? blobOptions = null, AzureTableStoreOptions? tableOptions = null)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        _blobOptions = blobOptions ?? new AzureBlobStoreOptions();
        _tableOptions = tableOptions ?? new AzureTableStoreOptions();
        _blobs = new BlobServiceClient(connectionString, _blobOptions.ClientOptions);
        _tables = new TableServiceClient(connectionString, _tableOptions.ClientOptions);
    }

    /// <summary>
    /// The account whose services are at <paramref name="blobServiceUri"/> (https://account.blob.core.windows.net)
    /// and <paramref name="tableServiceUri"/> (https://account.table.core.windows.net), authenticated with an Entra ID
    /// token; <paramref name="credential"/> defaults to <see cref="DefaultAzureCredential"/> (managed identity in
    /// Azure, the developer's sign-in locally).
    /// </summary>
    public AzureStorageAccount(Uri blobServiceUri, Uri tableServiceUri, TokenCredential? credential = null, AzureBlobStoreOptions? blobOptions = null, AzureTableStoreOptions? tableOptions = null)
    {
        ArgumentNullException.ThrowIfNull(blobServiceUri);
        ArgumentNullException.ThrowIfNull(tableServiceUri);
        credential ??= new DefaultAzureCredential();
        _blobOptions = blobOptions ?? new AzureBlobStoreOptions();
        _tableOptions = tableOptions ?? new AzureTableStoreOptions();
        _blobs = new BlobServiceClient(blobServiceUri, credential, _blobOptions.ClientOptions);
        _tables = new TableServiceClient(tableServiceUri, credential, _tableOptions.ClientOptions);
    }

    /// <summary>The account's name, as the SDK read it from the connection string or URI.</summary>
    public string AccountName => _blobs.AccountName;

    /// <summary>A store for one container of this account (it is not created: see <see cref="AzureBlobStore.CreateContainerIfNotExistsAsync"/>).</summary>
    public AzureBlobStore GetBlobStore(string containerName) => new(_blobs.GetBlobContainerClient(containerName), _blobOptions);

    /// <summary>A store for one table of this account (it is not created: see <see cref="AzureTableStore.CreateTableIfNotExistsAsync"/>).</summary>
    public AzureTableStore GetTableStore(string tableName) => new(_tables.GetTableClient(tableName), _tableOptions);
}
