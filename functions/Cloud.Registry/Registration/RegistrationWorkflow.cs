using System.Diagnostics;
using Cloud.Registry.Telemetry;

namespace Cloud.Registry.Registration;

/// <summary>
/// The one registration path of every trigger — the local store scanner, the management API's upload, the Functions
/// blob trigger: register the folder a blob belongs to, then run the follow-ups of the rooms above (enqueue
/// validation, refresh routing). A follow-up that throws propagates, so the trigger retries the whole event; that is
/// safe because registration and every follow-up are idempotent.
/// </summary>
internal sealed class RegistrationWorkflow(ModelRegistration registration, IEnumerable<IRegistrationFollowUp> followUps)
{
    private readonly IRegistrationFollowUp[] _followUps = [.. followUps];

    public async Task<RegistrationOutcome> HandleBlobAsync(string blobPath, CancellationToken cancellationToken)
    {
        // One span and one count per attempt, whichever trigger made it; a validate job submitted by a follow-up links to it.
        using var activity = RegistryTelemetry.StartRegistration(blobPath);
        var started = Stopwatch.GetTimestamp();
        try
        {
            var outcome = await RegisterAsync(blobPath, cancellationToken).ConfigureAwait(false);
            RegistryTelemetry.Concluded(activity, outcome, Stopwatch.GetElapsedTime(started));
            return outcome;
        }
        catch (Exception error)
        {
            RegistryTelemetry.Threw(activity, error, Stopwatch.GetElapsedTime(started));
            throw;
        }
    }

    private async Task<RegistrationOutcome> RegisterAsync(string blobPath, CancellationToken cancellationToken)
    {
        var outcome = await registration.RegisterAsync(blobPath, cancellationToken).ConfigureAwait(false);
        if (outcome.Status is RegistrationStatus.Pending or RegistrationStatus.Ignored)
        {
            return outcome;
        }

        foreach (var followUp in _followUps)
        {
            await followUp.OnConcludedAsync(outcome, cancellationToken).ConfigureAwait(false);
        }

        return outcome;
    }
}
