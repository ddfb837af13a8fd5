namespace Cloud.Registry.Settings;

/// <summary>How every room registers its settings: one section each, validated at start, also injectable as the plain record.</summary>
internal static class SettingsServiceCollectionExtensions
{
    /// <summary>The root of Cloud's configuration ("Cloud:Serving", "Cloud:Cache", ... below it).</summary>
    public const string Root = "Cloud";

    /// <param name="services">The host's services.</param>
    /// <param name="section">The section below "Cloud".</param>
    /// <param name="defaults">Where the record starts before configuration is bound over it; its own defaults when null.</param>
    public static IServiceCollection AddSettings<T>(this IServiceCollection services, string section, Func<IServiceProvider, T>? defaults = null)
        where T : class, ISettings
    {
        var path = $"{Root}:{section}";
        services.AddOptions<T>().BindConfiguration(path).ValidateOnStart();
        services.AddSingleton<IValidateOptions<T>>(new SettingsValidator<T>(path));
        if (defaults is not null)
        {
            services.AddSingleton<IOptionsFactory<T>>(sp => new DefaultedOptionsFactory<T>(() => defaults(sp),
                sp.GetServices<IConfigureOptions<T>>(), sp.GetServices<IPostConfigureOptions<T>>(), sp.GetServices<IValidateOptions<T>>()));
        }

        services.AddSingleton(sp => sp.GetRequiredService<IOptions<T>>().Value);
        return services;
    }

    /// <summary>A problem when <paramref name="value"/> is not positive.</summary>
    public static IEnumerable<string> Positive(string section, string key, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            yield return $"{section}:{key} must be positive; got {value}.";
        }
    }
}
