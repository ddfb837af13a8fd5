namespace Cloud.Registry.Settings;

/// <summary>
/// Starts a settings record from defaults that depend on other settings (the cache folder under the data folder) or
/// differ from the record's own (the host's batching queue), before configuration is bound over it. Settings are
/// immutable records, so defaults cannot be applied by an Action afterwards.
/// </summary>
internal sealed class DefaultedOptionsFactory<T>(
    Func<T> defaults, IEnumerable<IConfigureOptions<T>> setups, IEnumerable<IPostConfigureOptions<T>> postConfigures, IEnumerable<IValidateOptions<T>> validations)
    : OptionsFactory<T>(setups, postConfigures, validations)
    where T : class
{
    protected override T CreateInstance(string name) => defaults();
}
