using System.Globalization;
using Cloud.Serving.Vertex;
using Cloud.Storage.GoogleStorage;

namespace Cloud.Host.Vertex;

/// <summary>
/// What Vertex AI tells a prediction container through its environment
/// (https://cloud.google.com/vertex-ai/docs/predictions/custom-container-requirements): the mode, the port, the health
/// and predict routes, the gs:// folder holding a copy of the model's artifacts and the deployed model's id. Read once
/// at start; a value the container cannot work with stops it with a message naming the variable.
/// </summary>
internal sealed record VertexOptions(int HttpPort, string HealthRoute, string PredictRoute, GcsLocation StorageLocation, string? DeployedModelId)
{
    public const string ModeVariable = "AIP_MODE";
    public const string PredictionMode = "PREDICTION";
    public const string PortVariable = "AIP_HTTP_PORT";
    public const string HealthRouteVariable = "AIP_HEALTH_ROUTE";
    public const string PredictRouteVariable = "AIP_PREDICT_ROUTE";
    public const string StorageUriVariable = "AIP_STORAGE_URI";
    public const string DeployedModelIdVariable = "AIP_DEPLOYED_MODEL_ID";

    /// <summary>Vertex sets AIP_HTTP_PORT; without it, its documented default.</summary>
    public const int DefaultPort = 8080;

    /// <summary>Whether the process runs as a Vertex AI prediction container (AIP_MODE=PREDICTION).</summary>
    public static bool IsPrediction(IConfiguration configuration) => configuration[ModeVariable] == PredictionMode;

    public VertexRoutes Routes => new(HealthRoute, PredictRoute, DeployedModelId);

    /// <summary>The settings, or <see cref="OptionsValidationException"/> listing every variable that is wrong and why.</summary>
    public static VertexOptions From(IConfiguration configuration)
    {
        var problems = new List<string>();
        var portText = configuration[PortVariable];
        var port = DefaultPort;
        if (!string.IsNullOrEmpty(portText) && !(int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port is >= 1 and <= 65535))
        {
            problems.Add($"{PortVariable} must be a port number from 1 to 65535; got '{portText}'.");
        }

        // Vertex always sets both routes (long, endpoint-specific paths unless the model's containerSpec fixes them);
        // the short defaults are for running the image by hand.
        var health = Route(configuration, HealthRouteVariable, "/health", problems);
        var predict = Route(configuration, PredictRouteVariable, "/predict", problems);
        if (health == predict)
        {
            problems.Add($"{HealthRouteVariable} and {PredictRouteVariable} must differ; both are '{health}'.");
        }

        var storage = configuration[StorageUriVariable];
        if (!GcsLocation.TryParse(storage, out var location, out var problem))
        {
            problems.Add($"{StorageUriVariable} must name the gs:// folder holding the model's files (the model's artifactUri, which Vertex copies there): {problem}.");
        }

        return problems.Count > 0
            ? throw new OptionsValidationException("Vertex", typeof(VertexOptions), problems)
            : new VertexOptions(port, health, predict, location!, NullIfEmpty(configuration[DeployedModelIdVariable]));
    }

    private static string Route(IConfiguration configuration, string variable, string fallback, List<string> problems)
    {
        var route = NullIfEmpty(configuration[variable]) ?? fallback;
        if (!route.StartsWith('/') || route.Contains('?', StringComparison.Ordinal) || route.Contains('{', StringComparison.Ordinal))
        {
            problems.Add($"{variable} must be a path starting with '/', without a query or route parameters; got '{route}'.");
        }

        return route;
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
