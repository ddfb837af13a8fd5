using System.Diagnostics.CodeAnalysis;

namespace Cloud.Sdk.Manifests;

/// <summary>
/// A version number as defined by Semantic Versioning 2.0.0 (https://semver.org):
/// <c>MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD]</c>. Ordering follows the specification's precedence rules, which
/// is how the registry picks a model's newest version.
/// </summary>
/// <remarks>
/// Build metadata is kept (it is part of <see cref="ToString"/>) but, as the specification requires, it is
/// ignored for precedence; <see cref="Equals(SemanticVersion?)"/> ignores it too, so equality and ordering
/// always agree. Model versions never carry build metadata (the manifest reader refuses it), so for them two
/// versions are equal exactly when their strings are.
/// </remarks>
public sealed class SemanticVersion : IComparable<SemanticVersion>, IEquatable<SemanticVersion>
{
    private readonly string _text;
    private readonly string[] _preRelease;

    private SemanticVersion(string text, long major, long minor, long patch, string[] preRelease, string buildMetadata)
    {
        _text = text;
        Major = major;
        Minor = minor;
        Patch = patch;
        _preRelease = preRelease;
        BuildMetadata = buildMetadata;
    }

    /// <summary>The major version.</summary>
    public long Major { get; }

    /// <summary>The minor version.</summary>
    public long Minor { get; }

    /// <summary>The patch version.</summary>
    public long Patch { get; }

    /// <summary>The pre-release part without its leading '-' (e.g. "beta.2"), or empty for a release.</summary>
    public string PreRelease => string.Join('.', _preRelease);

    /// <summary>The pre-release identifiers (e.g. "beta", "2"); empty for a release.</summary>
    public IReadOnlyList<string> PreReleaseIdentifiers => _preRelease;

    /// <summary>Whether this is a pre-release (it has a pre-release part).</summary>
    public bool IsPreRelease => _preRelease.Length > 0;

    /// <summary>The build metadata without its leading '+' (e.g. "sha.5114f85"), or empty.</summary>
    public string BuildMetadata { get; }

    /// <summary>Parses a semantic version.</summary>
    /// <param name="text">The version, e.g. "1.0.0" or "2.1.0-rc.1".</param>
    /// <returns>The version.</returns>
    /// <exception cref="FormatException">The text is not a semantic version; the message says why.</exception>
    public static SemanticVersion Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, out var version, out var reason)
            ? version
            : throw new FormatException($"{Quoting.Quote(text)} is not a semantic version: {reason}.");
    }

    /// <summary>Parses a semantic version, without throwing.</summary>
    /// <param name="text">The version, e.g. "1.0.0" or "2.1.0-rc.1".</param>
    /// <param name="version">The version, when the text is one.</param>
    /// <returns>Whether the text is a semantic version.</returns>
    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out SemanticVersion? version) =>
        TryParse(text, out version, out _);

    /// <summary>Parses a semantic version; on failure <paramref name="reason"/> says what is wrong, as a clause
    /// that fits after "is not a semantic version: ".</summary>
    internal static bool TryParse(
        [NotNullWhen(true)] string? text,
        [NotNullWhen(true)] out SemanticVersion? version,
        [NotNullWhen(false)] out string? reason)
    {
        version = null;
        if (string.IsNullOrEmpty(text))
        {
            reason = "it is empty";
            return false;
        }

        if (text[0] is 'v' or 'V')
        {
            reason = $"it starts with '{text[0]}'; write {Quoting.Escape(text[1..])}, without the prefix";
            return false;
        }

        // SemVer's grammar: the first '+' starts build metadata; before it, the first '-' starts the pre-release
        // (pre-release identifiers may themselves contain '-').
        var plus = text.IndexOf('+', StringComparison.Ordinal);
        var beforeBuild = plus < 0 ? text : text[..plus];
        var build = plus < 0 ? null : text[(plus + 1)..];
        var dash = beforeBuild.IndexOf('-', StringComparison.Ordinal);
        var core = dash < 0 ? beforeBuild : beforeBuild[..dash];
        var preRelease = dash < 0 ? null : beforeBuild[(dash + 1)..];

        var parts = core.Split('.');
        if (parts.Length != 3)
        {
            reason = "it needs three numbers, MAJOR.MINOR.PATCH (e.g. 1.0.0)";
            return false;
        }

        ReadOnlySpan<string> partNames = ["major", "minor", "patch"];
        Span<long> numbers = stackalloc long[3];
        for (var i = 0; i < 3; i++)
        {
            if (!TryParseNumber(parts[i], partNames[i] + " version", out numbers[i], out reason))
            {
                return false;
            }
        }

        var preReleaseIdentifiers = Array.Empty<string>();
        if (preRelease is not null)
        {
            preReleaseIdentifiers = preRelease.Split('.');
            foreach (var identifier in preReleaseIdentifiers)
            {
                if (!IsIdentifier(identifier, "pre-release", out reason))
                {
                    return false;
                }

                if (identifier.Length > 1 && identifier[0] == '0' && IsDigits(identifier))
                {
                    reason = $"the pre-release identifier {Quoting.Quote(identifier)} has a leading zero";
                    return false;
                }
            }
        }

        if (build is not null)
        {
            foreach (var identifier in build.Split('.'))
            {
                if (!IsIdentifier(identifier, "build metadata", out reason))
                {
                    return false;
                }
            }
        }

        version = new SemanticVersion(text, numbers[0], numbers[1], numbers[2], preReleaseIdentifiers, build ?? "");
        reason = null;
        return true;
    }

    /// <summary>Compares precedence as SemVer 2.0.0 §11 defines it; build metadata does not count.</summary>
    /// <param name="other">The version to compare with; null sorts first.</param>
    /// <returns>Negative, zero or positive as this version is lower than, equal to or higher than the other.</returns>
    public int CompareTo(SemanticVersion? other)
    {
        if (other is null)
        {
            return 1;
        }

        var result = Major.CompareTo(other.Major);
        if (result == 0)
        {
            result = Minor.CompareTo(other.Minor);
        }

        if (result == 0)
        {
            result = Patch.CompareTo(other.Patch);
        }

        return result != 0 ? result : ComparePreRelease(_preRelease, other._preRelease);
    }

    /// <summary>Whether both versions have the same precedence (build metadata is ignored).</summary>
    /// <param name="other">The other version.</param>
    /// <returns>True when <see cref="CompareTo"/> would return zero.</returns>
    public bool Equals(SemanticVersion? other) => other is not null && CompareTo(other) == 0;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as SemanticVersion);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Major);
        hash.Add(Minor);
        hash.Add(Patch);
        foreach (var identifier in _preRelease)
        {
            hash.Add(identifier, StringComparer.Ordinal);
        }

        return hash.ToHashCode();
    }

    /// <summary>The version exactly as it was parsed (SemVer has one spelling per version, so this is canonical).</summary>
    /// <returns>The version text, build metadata included.</returns>
    public override string ToString() => _text;

    /// <summary>Equal precedence.</summary>
    public static bool operator ==(SemanticVersion? left, SemanticVersion? right) => left is null ? right is null : left.Equals(right);

    /// <summary>Different precedence.</summary>
    public static bool operator !=(SemanticVersion? left, SemanticVersion? right) => !(left == right);

    /// <summary>Lower precedence.</summary>
    public static bool operator <(SemanticVersion? left, SemanticVersion? right) => Compare(left, right) < 0;

    /// <summary>Lower or equal precedence.</summary>
    public static bool operator <=(SemanticVersion? left, SemanticVersion? right) => Compare(left, right) <= 0;

    /// <summary>Higher precedence.</summary>
    public static bool operator >(SemanticVersion? left, SemanticVersion? right) => Compare(left, right) > 0;

    /// <summary>Higher or equal precedence.</summary>
    public static bool operator >=(SemanticVersion? left, SemanticVersion? right) => Compare(left, right) >= 0;

    private static int Compare(SemanticVersion? left, SemanticVersion? right) =>
        left is null ? (right is null ? 0 : -1) : left.CompareTo(right);

    private static int ComparePreRelease(string[] left, string[] right)
    {
        // A release is higher than any of its pre-releases (§11.3).
        if (left.Length == 0 || right.Length == 0)
        {
            return right.Length.CompareTo(left.Length) switch { < 0 => -1, > 0 => 1, _ => 0 };
        }

        for (var i = 0; i < Math.Min(left.Length, right.Length); i++)
        {
            var result = CompareIdentifier(left[i], right[i]);
            if (result != 0)
            {
                return result;
            }
        }

        // All shared identifiers equal: the longer list is higher (§11.4.4).
        return left.Length.CompareTo(right.Length);
    }

    private static int CompareIdentifier(string left, string right)
    {
        bool leftNumeric = IsDigits(left), rightNumeric = IsDigits(right);
        if (leftNumeric && rightNumeric)
        {
            // Numeric identifiers have no leading zeros, so a longer one is larger; comparing this way needs no
            // integer type and so has no overflow, whatever the length.
            var byLength = left.Length.CompareTo(right.Length);
            return byLength != 0 ? byLength : Math.Sign(string.CompareOrdinal(left, right));
        }

        if (leftNumeric != rightNumeric)
        {
            return leftNumeric ? -1 : 1;
        }

        return Math.Sign(string.CompareOrdinal(left, right));
    }

    private static bool TryParseNumber(string part, string what, out long value, [NotNullWhen(false)] out string? reason)
    {
        value = 0;
        if (part.Length == 0)
        {
            reason = $"the {what} is empty";
            return false;
        }

        if (!IsDigits(part))
        {
            reason = $"the {what} {Quoting.Quote(part)} is not a number";
            return false;
        }

        if (part.Length > 1 && part[0] == '0')
        {
            reason = $"the {what} {Quoting.Quote(part)} has a leading zero";
            return false;
        }

        if (!long.TryParse(part, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out value))
        {
            reason = $"the {what} {Quoting.Quote(part)} is too large";
            return false;
        }

        reason = null;
        return true;
    }

    private static bool IsIdentifier(string identifier, string what, [NotNullWhen(false)] out string? reason)
    {
        if (identifier.Length == 0)
        {
            reason = $"the {what} has an empty identifier";
            return false;
        }

        foreach (var c in identifier)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '-')
            {
                reason = $"the {what} identifier {Quoting.Quote(identifier)} has '{Quoting.Char(c)}'; identifiers use only ASCII letters, digits and '-'";
                return false;
            }
        }

        reason = null;
        return true;
    }

    private static bool IsDigits(string text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return text.Length > 0;
    }
}
