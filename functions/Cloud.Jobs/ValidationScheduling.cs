using Cloud.Registry.Registration;

namespace Cloud.Jobs;

/// <summary>Registration's follow-up in the jobs room: a new version whose manifest asks for validation gets its validate job.</summary>
internal sealed class ValidationScheduling(JobQueue jobs) : IRegistrationFollowUp
{
    public async Task OnConcludedAsync(RegistrationOutcome outcome, CancellationToken cancellationToken)
    {
        if (outcome.ValidateJob is { } job)
        {
            // Keyed by the job id: a redelivered outcome finds the job queued already and adds nothing.
            await jobs.EnqueueAsync(job, cancellationToken).ConfigureAwait(false);
        }
    }
}
