namespace Cloud.Sdk.Manifests;

/// <summary>One problem found in a manifest.</summary>
/// <param name="Path">Where it is, as a JSON path (RFC 9535 normalized form), e.g. <c>$.validation.thresholds.acuracy</c>; <c>$</c> for the whole document.</param>
/// <param name="Message">What is wrong and how to fix it, as a sentence.</param>
public sealed record ManifestError(string Path, string Message)
{
    /// <summary>"path: message", the form recorded as a failure reason.</summary>
    /// <returns>The path and message.</returns>
    public override string ToString() => $"{Path}: {Message}";
}
