using System.Diagnostics.CodeAnalysis;

namespace Cloud.Sdk.Manifests;

/// <summary>What <see cref="ManifestReader.Read"/> found: the manifest, or every problem with it.</summary>
public sealed class ManifestReadResult
{
    internal ManifestReadResult(ModelManifest? manifest, IReadOnlyList<ManifestError> errors)
    {
        Manifest = manifest;
        Errors = errors;
    }

    /// <summary>The manifest; null when there are errors.</summary>
    public ModelManifest? Manifest { get; }

    /// <summary>Every problem found, in document order and then cross-field checks; empty on success.</summary>
    public IReadOnlyList<ManifestError> Errors { get; }

    /// <summary>Whether the manifest was read without errors.</summary>
    [MemberNotNullWhen(true, nameof(Manifest))]
    public bool Succeeded => Manifest is not null;

    /// <summary>All errors, one per line ("path: message"): the reason recorded on a failed version.</summary>
    /// <returns>The errors, or an empty string on success.</returns>
    public string Describe() => string.Join('\n', Errors);
}
