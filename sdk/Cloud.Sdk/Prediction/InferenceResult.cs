namespace Cloud.Sdk.Prediction;

/// <summary>An Open Inference Protocol v2 answer and who made it.</summary>
public sealed class InferenceResult
{
    internal InferenceResult(string? id, IReadOnlyList<InferOutput> outputs, ServedBy servedBy, string? modelVersion)
    {
        Id = id;
        Outputs = outputs;
        Model = servedBy.Model;
        ModelVersion = servedBy.Version ?? modelVersion;
        Route = servedBy.Route;
    }

    /// <summary>The request's id echoed back, or null.</summary>
    public string? Id { get; }

    /// <summary>The outputs, in the model's order.</summary>
    public IReadOnlyList<InferOutput> Outputs { get; }

    /// <summary>The model that answered.</summary>
    public string? Model { get; }

    /// <summary>The version that answered.</summary>
    public string? ModelVersion { get; }

    /// <summary>How routing chose the version (<c>X-Cloud-Route</c>).</summary>
    public string? Route { get; }

    /// <summary>The output with this name.</summary>
    /// <param name="name">The output's name.</param>
    /// <returns>The output.</returns>
    /// <exception cref="KeyNotFoundException">No output has that name.</exception>
    public InferOutput this[string name] => Outputs.FirstOrDefault(o => o.Name == name)
        ?? throw new KeyNotFoundException($"The answer has no output '{name}'; it has: {string.Join(", ", Outputs.Select(o => o.Name))}.");
}
