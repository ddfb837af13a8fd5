using Azure.Storage.Blobs;

namespace Cloud.Host.Tests.Hostile;

/// <summary>The immutability cases on Azure Storage (Azurite), where the storage tool is the Azure SDK itself.</summary>
public sealed class AzuriteImmutabilityTests(AzuriteFixture azurite) : ImmutabilityTests, IClassFixture<AzuriteFixture>
{
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..8];

    protected override (string Key, string Value)[] StoreSettings =>
    [
        ("Cloud:Storage:ConnectionString", azurite.ConnectionString),
        ("Cloud:Storage:ModelsContainer", $"models{_suffix}"),
        ("Cloud:Storage:RegisteredContainer", $"registered{_suffix}"),
        ("Cloud:Storage:RegistryTable", $"Registry{_suffix}"),
        ("Cloud:Storage:JobsTable", $"Jobs{_suffix}"),
    ];

    // The same account, containers and tables; every ServingHost has a data folder, so a file cache, of its own.
    protected override (string Key, string Value)[] AnotherInstanceSettings => StoreSettings;

    protected override async Task WriteWithStorageToolAsync(string path, byte[] content) =>
        await new BlobContainerClient(azurite.ConnectionString, $"models{_suffix}").GetBlobClient(path).UploadAsync(BinaryData.FromBytes(content), overwrite: true);
}
