using System.Diagnostics.CodeAnalysis;

namespace Cloud.Sdk.Manifests;

/// <summary>
/// The rule for labels (named pointers to a version, such as <c>stable</c> or <c>canary</c>):
/// <c>^[a-z][a-z0-9-]{0,62}$</c>. A label starts with a letter and a version with a digit, so a URL segment is
/// never ambiguous between the two. The 63-character bound matches model names, so either fits the same row keys
/// and URL segments.
/// </summary>
public static class LabelName
{
    /// <summary>The longest label, in characters.</summary>
    public const int MaxLength = 63;

    /// <summary>The label that serving falls back to when a request names no version, label or split.</summary>
    public const string Stable = "stable";

    /// <summary>The rule as a sentence, as messages state it beside a refused label.</summary>
    public const string Rule = "Use 1 to 63 lowercase letters, digits or '-', starting with a letter.";

    /// <summary>Whether <paramref name="label"/> is a valid label.</summary>
    /// <param name="label">The candidate label.</param>
    /// <returns>True when it follows the rule.</returns>
    public static bool IsValid([NotNullWhen(true)] string? label) => Problem(label) is null;

    /// <summary>
    /// Why <paramref name="label"/> is not a label, as a sentence that quotes it, says what is wrong and states the
    /// rule; null when it is valid.
    /// </summary>
    /// <param name="label">The candidate label.</param>
    /// <returns>Null when valid, else the sentence, such as "Label 'Stable' is not valid: it starts with 'S'. Use …".</returns>
    public static string? Validate(string? label) =>
        Problem(label) is { } problem ? $"Label {Quoting.Quote(label ?? "")} is not valid: {problem}. {Rule}" : null;

    /// <summary>Null when valid, else why not (a clause such as "it contains 'C'").</summary>
    internal static string? Problem(string? label) => LowercaseIdentifier.Problem(label, MaxLength);
}
