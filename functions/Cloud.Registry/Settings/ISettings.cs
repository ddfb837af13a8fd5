namespace Cloud.Registry.Settings;

/// <summary>
/// A feature's settings: bound from its own configuration section and checked when the host starts, so a bad value
/// stops the host with a message that names the setting instead of failing later, on some request.
/// </summary>
internal interface ISettings
{
    /// <summary>Problems with these settings, each naming the setting (<paramref name="section"/>:Key) and its bad value.</summary>
    IEnumerable<string> Validate(string section);
}
