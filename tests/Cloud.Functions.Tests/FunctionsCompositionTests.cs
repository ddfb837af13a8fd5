using Cloud.Registry.Stores;
using Cloud.Serving.Management;

namespace Cloud.Functions.Tests;

/// <summary>The app's defaults for a Flex Consumption instance, and the settings it refuses to start without.</summary>
public sealed class FunctionsCompositionTests
{
    [Fact]
    public void TheCacheAndRunsAreSizedFromTheInstancesMemory()
    {
        // instanceMemoryMB 2048: half for loaded sessions, a quarter for runs.
        var defaults = FunctionsComposition.Defaults(2048L * 1024 * 1024);

        Assert.Equal((1024L * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture), defaults["Cloud:Cache:MemoryBudgetBytes"]);
        Assert.Equal((512L * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture), defaults["Cloud:Cache:RunMemoryLimitBytes"]);
        Assert.Equal(("false", "servicebus"), (defaults["Cloud:Jobs:RunJobs"], defaults["Cloud:Jobs:Backend"]));
    }

    [Fact]
    public void ARunLimitNeverPassesWhatOrtsArenaSettingHolds()
    {
        var defaults = FunctionsComposition.Defaults(64L * 1024 * 1024 * 1024);

        Assert.Equal(uint.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture), defaults["Cloud:Cache:RunMemoryLimitBytes"]);
    }

    [Fact]
    public void EmbeddedStoresAndAMissingAdminKeyAreRefusedByName()
    {
        var problems = FunctionsSettingsCheck.Problems(new StorageOptions(), new ManagementOptions()).ToList();

        Assert.Equal(2, problems.Count);
        Assert.StartsWith("Cloud:Storage:BlobServiceUri and Cloud:Storage:TableServiceUri (or Cloud:Storage:ConnectionString) must name the storage account", problems[0], StringComparison.Ordinal);
        Assert.StartsWith("Cloud:Management:AdminKey must be set in the Functions app", problems[1], StringComparison.Ordinal);
        Assert.Empty(FunctionsSettingsCheck.Problems(new StorageOptions { ConnectionString = "UseDevelopmentStorage=true" }, new ManagementOptions { AdminKey = "k" }));
    }
}
