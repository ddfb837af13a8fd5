using Cloud.Registry.Registration;

namespace Cloud.Jobs;

/// <summary>Registration's follow-up in the jobs room: a new version whose manifest asks for validation gets its validate job.</summary>
internal sealed class ValidationScheduling(JobSubmitter jobs) : IRegistrationFollowUp
{
    public async Task OnConcludedAsync(RegistrationOutcome outcome, CancellationToken cancellationToken)
    {
        if (outcome.ValidateJob is { } job)
        {
            // Keyed by the job id: a redelivered outcome finds the job recorded already and adds nothing.
            await jobs.SubmitAsync(job, cancellationToken).ConfigureAwait(false);
        }
    }
}
