using System.Diagnostics.CodeAnalysis;

namespace Cloud.Sdk.Manifests;

/// <summary>
/// The rule for model names: <c>^[a-z][a-z0-9-]{0,62}$</c>. A name is a folder (<c>models/{name}/</c>), a URL
/// segment and a table partition key, so it is kept to characters that need no escaping in any of them.
/// </summary>
public static class ModelName
{
    /// <summary>The longest name, in characters.</summary>
    public const int MaxLength = 63;

    /// <summary>The rule as a sentence, as messages state it beside a refused name.</summary>
    public const string Rule = "Use 1 to 63 lowercase letters, digits or '-', starting with a letter.";

    /// <summary>Whether <paramref name="name"/> is a valid model name.</summary>
    /// <param name="name">The candidate name.</param>
    /// <returns>True when it follows the rule.</returns>
    public static bool IsValid([NotNullWhen(true)] string? name) => Problem(name) is null;

    /// <summary>
    /// Why <paramref name="name"/> is not a model name, as a sentence that quotes it (control characters escaped,
    /// long names shortened), says what is wrong and states the rule; null when it is valid. Every place that takes
    /// a name from outside (a URL, a request body, a storage path) answers with this sentence.
    /// </summary>
    /// <param name="name">The candidate name.</param>
    /// <returns>Null when valid, else the sentence, such as "Model name 'Iris' is not valid: it starts with 'I'. Use …".</returns>
    public static string? Validate(string? name) =>
        Problem(name) is { } problem ? $"Model name {Quoting.Quote(name ?? "")} is not valid: {problem}. {Rule}" : null;

    /// <summary>Null when valid, else why not (a clause such as "it contains 'I'").</summary>
    internal static string? Problem(string? name) => LowercaseIdentifier.Problem(name, MaxLength);
}
