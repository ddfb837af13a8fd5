using Cloud.Registry.Registration;

namespace Cloud.Serving.Routing;

/// <summary>Registration's follow-up in serving: a new version may change what "newest" routes to, so that model's routing is rebuilt now.</summary>
internal sealed class RoutingFollowUp(ModelRouter router) : IRegistrationFollowUp
{
    public async Task OnConcludedAsync(RegistrationOutcome outcome, CancellationToken cancellationToken)
    {
        if (outcome is { Status: RegistrationStatus.Registered, Model: { } model })
        {
            await router.RefreshAsync(model, cancellationToken).ConfigureAwait(false);
        }
    }
}
