namespace Cloud.Host.Tests.Hostile;

/// <summary>The immutability cases on the embedded store: a folder of files, which any program can write into.</summary>
public sealed class EmbeddedImmutabilityTests : ImmutabilityTests
{
    protected override (string Key, string Value)[] StoreSettings => [];

    // The same data folder (its models, registered copies and registry), but a file cache of its own that starts empty.
    protected override (string Key, string Value)[] AnotherInstanceSettings =>
    [
        ("Cloud:Storage:DataDirectory", Host.DataDirectory),
        ("Cloud:Cache:Directory", Path.Combine(Host.DataDirectory, $"cache-{Guid.NewGuid():N}")),
    ];

    protected override Task WriteWithStorageToolAsync(string path, byte[] content) =>
        File.WriteAllBytesAsync(Path.Combine([Host.DataDirectory, "models", .. path.Split('/')]), content);
}
