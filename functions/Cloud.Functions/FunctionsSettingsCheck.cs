using Cloud.Registry.Stores;
using Cloud.Serving.Management;

namespace Cloud.Functions;

/// <summary>
/// What the Functions app needs that the local host does not, checked when the app starts so a misconfigured
/// deployment stops with the setting's name instead of serving wrongly:
/// <list type="bullet">
/// <item>stores in Azure Storage: every instance of the plan must see one registry, not a folder of its own;</item>
/// <item>an admin key: requests reach the worker from the Functions host over loopback, so the management API's
/// "loopback callers only" rule cannot tell a caller from the internet from a local one.</item>
/// </list>
/// </summary>
internal sealed class FunctionsSettingsCheck(StorageOptions storage, ManagementOptions management) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var problems = Problems(storage, management).ToList();
        return problems.Count == 0 ? Task.CompletedTask
            : throw new OptionsValidationException("Cloud.Functions", typeof(FunctionsSettingsCheck), problems);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public static IEnumerable<string> Problems(StorageOptions storage, ManagementOptions management)
    {
        if (!storage.IsAzure)
        {
            yield return "Cloud:Storage:BlobServiceUri and Cloud:Storage:TableServiceUri (or Cloud:Storage:ConnectionString) must name the storage account: "
                + "every instance of the Functions app must share one registry, and the embedded stores are a folder on one instance.";
        }

        if (string.IsNullOrWhiteSpace(management.AdminKey))
        {
            yield return "Cloud:Management:AdminKey must be set in the Functions app: requests reach the worker from the Functions host over loopback, "
                + "so without a key the management API could not tell a caller from the internet from a local one.";
        }
    }
}
