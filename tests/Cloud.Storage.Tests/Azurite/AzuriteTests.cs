namespace Cloud.Storage.Tests.Azurite;

/// <summary>
/// Every test that talks to Azurite shares one emulator process. The collection runs alone (not beside other
/// collections) because some of its tests measure the process's allocations while streaming large blobs.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AzuriteTests : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}
