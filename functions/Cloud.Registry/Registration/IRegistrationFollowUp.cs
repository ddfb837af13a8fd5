namespace Cloud.Registry.Registration;

/// <summary>
/// What another room does once registration has concluded for a folder: the jobs room enqueues the validation a new
/// version asks for, serving rebuilds the model's routing. Registration calls these without knowing either room.
/// Implementations are idempotent: the same outcome may come again (a redelivered blob event).
/// </summary>
internal interface IRegistrationFollowUp
{
    Task OnConcludedAsync(RegistrationOutcome outcome, CancellationToken cancellationToken);
}
