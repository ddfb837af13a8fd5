using System.Text.Json;
using Cloud.Sdk.Http;

namespace Cloud.Sdk.Prediction;

/// <summary>
/// A prediction and who made it: the served model and version and how routing chose it (the answer's
/// <c>X-Cloud-Model</c>, <c>X-Cloud-Model-Version</c> and <c>X-Cloud-Route</c> headers).
/// </summary>
public sealed class PredictionResult
{
    private readonly byte[] _body;
    private JsonElement? _predictions;

    internal PredictionResult(byte[] body, ServedBy servedBy)
    {
        _body = body;
        Model = servedBy.Model;
        ModelVersion = servedBy.Version;
        Route = servedBy.Route;
    }

    /// <summary>
    /// The answer's <c>predictions</c> (row format) or <c>outputs</c> (columnar) value. Parsed on first access, so a
    /// caller that only needs who answered (or reads <see cref="Body"/> itself) pays nothing for it.
    /// </summary>
    public JsonElement Predictions => _predictions ??= Parse(_body);

    /// <summary>The answer's body as the server sent it (UTF-8 JSON).</summary>
    public ReadOnlyMemory<byte> Body => _body;

    /// <summary>The model that answered, or null when the server did not say (a Vertex endpoint).</summary>
    public string? Model { get; }

    /// <summary>The version that answered, or null when the server did not say.</summary>
    public string? ModelVersion { get; }

    /// <summary>How the version was chosen: <c>version</c>, <c>label:{l}</c>, <c>traffic:{l}</c>, <c>stable</c> or <c>newest</c>; null when not said.</summary>
    public string? Route { get; }

    /// <summary>Reads the predictions as a .NET type, such as <c>float[][]</c> for a classifier's rows of scores.</summary>
    /// <typeparam name="T">The type.</typeparam>
    /// <returns>The predictions.</returns>
    public T ReadAs<T>() => Predictions.Deserialize<T>(CloudJson.Options)!;

    internal static JsonElement Parse(byte[] body)
    {
        var root = JsonSerializer.Deserialize<JsonElement>(body);
        return root.ValueKind == JsonValueKind.Object && (root.TryGetProperty("predictions", out var p) || root.TryGetProperty("outputs", out p)) ? p : root;
    }
}
