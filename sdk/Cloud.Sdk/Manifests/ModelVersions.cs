using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Semver;

namespace Cloud.Sdk.Manifests;

/// <summary>
/// How Cloud reads and orders model versions: Semantic Versioning 2.0.0 (https://semver.org), parsed strictly
/// and compared by precedence with the Semver package's <see cref="SemVersion"/>.
/// </summary>
/// <remarks>
/// Precedence is the specification's, including its rule that alphanumeric pre-release identifiers compare in
/// ASCII order, so capitals come first: <c>1.0.0-Beta</c> is below <c>1.0.0-alpha</c>. Semver was chosen over
/// NuGet.Versioning because NuGet compares pre-release labels case-insensitively, which is not SemVer's order.
/// </remarks>
public static class ModelVersions
{
    /// <summary>
    /// Longest stretch of the Semver package's reason kept in a message; it quotes the whole version, and a
    /// folder's version comes from a storage path that no manifest limit bounds.
    /// </summary>
    private const int MaxProblemLength = 256;

    /// <summary>
    /// Orders two model versions by SemVer 2.0.0 precedence, which is how the registry picks the newest version.
    /// Text that is not a strict semantic version (there should be none in the registry) falls back to ordinal order.
    /// </summary>
    /// <param name="left">A version, e.g. "1.0.0-rc.1".</param>
    /// <param name="right">Another version.</param>
    /// <returns>Negative, zero or positive as <paramref name="left"/> is lower than, equal to or higher than <paramref name="right"/>.</returns>
    public static int Compare(string left, string right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        return SemVersion.TryParse(left, SemVersionStyles.Strict, out var l) && SemVersion.TryParse(right, SemVersionStyles.Strict, out var r)
            ? SemVersion.ComparePrecedence(l, r)
            : string.CompareOrdinal(left, right);
    }

    /// <summary>
    /// Why <paramref name="text"/> is not a model version, as a sentence that quotes it, says what is wrong and how to
    /// write one; null when it is valid. A model version is a strict SemVer 2.0.0 version (no 'v' prefix, no leading
    /// zeros, all three numbers) of at most <see cref="ManifestLimits.MaxVersionLength"/> characters, without build
    /// metadata: SemVer ignores build metadata for precedence, so 1.0.0+a and 1.0.0+b could not be ordered, and
    /// "newest version" would be ambiguous. Identity and order agree only without it.
    /// </summary>
    /// <param name="text">The candidate version.</param>
    /// <returns>Null when valid, else the sentence, such as "Version '1.0' is not a semantic version: …".</returns>
    public static string? Validate(string? text) => Check(text, out _);

    /// <summary>Null when <paramref name="text"/> is a model version (then <paramref name="version"/> is it), else why not (see <see cref="Validate"/>).</summary>
    internal static string? Check(string? text, out SemVersion? version)
    {
        version = null;
        var quoted = Quoting.Quote(text ?? "");
        if (text?.Length > ManifestLimits.MaxVersionLength)
        {
            return string.Create(CultureInfo.InvariantCulture, $"Version {quoted} is {text.Length} characters long and the limit is {ManifestLimits.MaxVersionLength}.");
        }

        if (!TryParse(text, out var parsed, out var problem))
        {
            return $"Version {quoted} is not a semantic version: {problem} Write MAJOR.MINOR.PATCH, such as 1.0.0, optionally with a pre-release such as 1.0.0-rc.1.";
        }

        if (parsed.Metadata.Length > 0)
        {
            return $"Version {quoted} has build metadata ('+{Quoting.Escape(parsed.Metadata)}'); a model version must not, because versions that differ only in build metadata cannot be ordered. Record the build in lineage.sourceRevision.";
        }

        version = parsed;
        return null;
    }

    /// <summary>
    /// Parses a strict SemVer 2.0.0 version (no 'v' prefix, no leading zeros, all three numbers). On failure
    /// <paramref name="problem"/> is the Semver package's reason, control characters escaped and shortened, as a
    /// sentence ending in '.'. Build metadata is accepted here; the manifest reader refuses it separately.
    /// </summary>
    internal static bool TryParse(
        [NotNullWhen(true)] string? text,
        [NotNullWhen(true)] out SemVersion? version,
        [NotNullWhen(false)] out string? problem)
    {
        if (text is null)
        {
            version = null;
            problem = "There is no version.";
            return false;
        }

        try
        {
            // Parse rather than TryParse: the reason is only in the exception, and only a bad version throws.
            version = SemVersion.Parse(text, SemVersionStyles.Strict);
            problem = null;
            return true;
        }
        catch (FormatException e)
        {
            version = null;
            problem = Quoting.Escape(e.Message.TrimEnd('.'), MaxProblemLength) + ".";
            return false;
        }
    }
}
