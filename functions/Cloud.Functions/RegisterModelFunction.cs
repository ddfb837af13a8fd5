using Azure.Storage.Blobs;
using Cloud.Registry.Registration;
using Microsoft.Azure.Functions.Worker;

namespace Cloud.Functions;

/// <summary>
/// The blob trigger: every file written under models/{name}/{version}/ re-checks its folder, and the event that
/// completes the folder registers the version (then its follow-ups: validation to the jobs queue, routing). Event
/// Grid delivers at least once and in any order; registration is idempotent, so a repeated event changes nothing.
/// A folder that can never register (a bad manifest) is recorded as failed and the event ends; anything else that
/// throws (storage unavailable) propagates so the trigger retries it.
/// </summary>
internal sealed partial class RegisterModelFunction(RegistrationWorkflow registration, ILogger<RegisterModelFunction> logger)
{
    /// <summary>The connection: ModelStore__blobServiceUri (+ __queueServiceUri, __credential=managedidentity) or a connection string.</summary>
    public const string Connection = "ModelStore";

    [Function("RegisterModel")]
    public async Task RunAsync(
        [BlobTrigger("models/{name}/{version}/{file}", Source = BlobTriggerSource.EventGrid, Connection = Connection)] BlobClient blob,
        CancellationToken cancellationToken)
    {
        // The blob's own name, not the path tokens: a token is a regex capture that may span '/'.
        var outcome = await registration.HandleBlobAsync(blob.Name, cancellationToken).ConfigureAwait(false);
        LogOutcome(blob.Name, outcome.Status, outcome.Message);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Blob {BlobPath}: {Status}. {Message}")]
    private partial void LogOutcome(string blobPath, RegistrationStatus status, string message);
}
