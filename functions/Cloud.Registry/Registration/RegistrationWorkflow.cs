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
