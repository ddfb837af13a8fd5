namespace Cloud.Sdk.Manifests;

/// <summary>
/// Reads and checks a model folder's manifest (<c>model.json</c>). Bad input never throws: the result carries
/// every problem found, each with its JSON path and a sentence saying how to fix it, ready to be recorded as the
/// reason a version failed. The rules are documented in docs/model-folder.md.
/// </summary>
public static class ManifestReader
{
    /// <summary>Reads a manifest.</summary>
    /// <param name="utf8Json">The file's bytes: UTF-8 JSON (a byte order mark is allowed), at most <see cref="ManifestLimits.MaxManifestBytes"/>.</param>
    /// <param name="expectedName">The <c>{name}</c> segment of the folder <c>models/{name}/{version}/</c> the manifest was found in, when known; the manifest's name must equal it.</param>
    /// <param name="expectedVersion">The folder's <c>{version}</c> segment, when known; the manifest's version must equal it exactly.</param>
    /// <returns>The manifest, or the errors.</returns>
    public static ManifestReadResult Read(ReadOnlySpan<byte> utf8Json, string? expectedName = null, string? expectedVersion = null) =>
        ManifestParser.Parse(utf8Json, expectedName, expectedVersion);
}
