namespace Cloud.Registry.Settings;

/// <summary>Runs <see cref="ISettings.Validate"/> for the options system, with every problem in the failure.</summary>
internal sealed class SettingsValidator<T>(string section) : IValidateOptions<T>
    where T : class, ISettings
{
    public ValidateOptionsResult Validate(string? name, T options)
    {
        var problems = options.Validate(section).ToArray();
        return problems.Length == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
