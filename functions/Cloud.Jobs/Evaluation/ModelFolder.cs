using System.Text.Json;
using System.Text.Json.Serialization;

namespace Cloud.Jobs.Evaluation;

/// <summary>
/// The parts of a model folder's manifest (model.json) that evaluation needs. A first draft: the registry
/// issue owns the full schema and its validation; this reads only what it uses and says clearly what is missing.
/// </summary>
internal sealed record ModelFolder(string Directory, ModelFolder.Manifest Spec)
{
    private static readonly JsonSerializerOptions s_json = new() { PropertyNameCaseInsensitive = true };

    public string ModelPath => Path.Combine(Directory, Spec.ModelFile ?? "model.onnx");

    public static ModelFolder Load(string directory)
    {
        var manifestPath = Path.Combine(directory, "model.json");
        if (!File.Exists(manifestPath))
        {
            throw new EvaluationException($"'{directory}' is not a model folder: it has no model.json.");
        }

        Manifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<Manifest>(File.ReadAllText(manifestPath), s_json);
        }
        catch (JsonException error)
        {
            throw new EvaluationException($"{manifestPath} is not valid JSON: {error.Message}");
        }

        return new ModelFolder(directory, manifest ?? throw new EvaluationException($"{manifestPath} is empty."));
    }

    internal sealed record Manifest(
        string? Name,
        string? Version,
        string? ModelFile,
        string? Task,
        string[]? ClassNames,
        Dictionary<string, InputSpec>? Inputs,
        ValidationSpec? Validation);

    internal sealed record InputSpec(string[]? FeatureNames);

    internal sealed record ValidationSpec(
        string? Dataset,
        string? LabelColumn,
        string[]? Metrics,
        Dictionary<string, double>? Thresholds,
        [property: JsonPropertyName("baselineLabel")] string? BaselineLabel);
}
