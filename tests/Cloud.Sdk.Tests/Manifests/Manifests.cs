using System.Text;
using Cloud.Sdk.Manifests;

namespace Cloud.Sdk.Tests.Manifests;

/// <summary>Manifest text for tests: a minimal valid manifest, and the same with fields added.</summary>
internal static class Manifests
{
    /// <summary>The smallest valid manifest: the four required fields.</summary>
    public const string Minimal = """{ "name": "iris", "version": "1.0.0", "format": "onnx", "modelFile": "model.onnx" }""";

    public static ManifestReadResult Read(string json, string? expectedName = null, string? expectedVersion = null) =>
        ManifestReader.Read(Encoding.UTF8.GetBytes(json), expectedName, expectedVersion);

    /// <summary>Reads <see cref="Minimal"/> with <paramref name="fields"/> (JSON members, e.g. "task": "regression") added at the end.</summary>
    public static ManifestReadResult ReadWith(string fields) => Read(With(fields));

    public static string With(string fields) => $"{Minimal[..^1].TrimEnd()}, {fields} }}";

    /// <summary>The only error reading <see cref="Minimal"/> with <paramref name="fields"/> added.</summary>
    public static ManifestError SingleErrorWith(string fields) => SingleError(With(fields));

    public static ManifestError SingleError(string json, string? expectedName = null, string? expectedVersion = null)
    {
        var result = Read(json, expectedName, expectedVersion);
        Assert.False(result.Succeeded);
        Assert.Null(result.Manifest);
        return Assert.Single(result.Errors);
    }

    public static ModelManifest Valid(string json, string? expectedName = null, string? expectedVersion = null)
    {
        var result = Read(json, expectedName, expectedVersion);
        Assert.True(result.Succeeded, result.Describe());
        Assert.Empty(result.Errors);
        return result.Manifest;
    }
}
