using Cloud.Registry.Registered;
using Cloud.Sdk.Manifests;

namespace Cloud.Registry.Promotion;

/// <summary>
/// A registered version's manifest as registration copied it: promotion follows the manifest the version was
/// registered with, never its folder as an upload may have changed it since.
/// </summary>
internal sealed class RegisteredManifests(ModelRegistry registry, RegisteredContent content)
{
    /// <summary>The manifest; null when the version, its registered copies or a valid manifest among them is missing.</summary>
    public async Task<ModelManifest?> ReadAsync(string model, string version, CancellationToken cancellationToken)
    {
        var row = await registry.GetVersionRowAsync(model, version, cancellationToken).ConfigureAwait(false);
        if (row is null || RegistryRows.FilesOf(row) is not { } files)
        {
            return null;
        }

        var bytes = await content.ReadAllBytesAsync(files, ModelManifest.FileName, cancellationToken).ConfigureAwait(false);
        return bytes is null ? null : ManifestReader.Read(bytes, model, version).Manifest;
    }
}
