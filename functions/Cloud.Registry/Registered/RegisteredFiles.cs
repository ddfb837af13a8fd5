namespace Cloud.Registry.Registered;

/// <summary>
/// The files a registered version serves from, by their names in its model folder, each with the SHA-256 of its copy
/// in <see cref="RegisteredContent"/>: the manifest, the model file, and the warm-up example and validation dataset when
/// the manifest names them. Recorded on the version row when the version is registered.
/// </summary>
internal sealed record RegisteredFiles(string Model, string Version, IReadOnlyDictionary<string, string> Sha256ByName)
{
    /// <summary>The SHA-256 of the copy of <paramref name="name"/>; null when the version has no such file.</summary>
    public string? Sha256Of(string name) => Sha256ByName.GetValueOrDefault(name);

    /// <summary>The file's path in the models container, for messages: a person knows the file by it.</summary>
    public string DisplayPath(string name) => $"{Model}/{Version}/{name}";

    /// <summary>What to say when the copy of <paramref name="name"/> is not there (something deleted it from the registered container).</summary>
    public string MissingCopy(string name) => $"The registered copy of {DisplayPath(name)} is no longer in the registered container.";
}
