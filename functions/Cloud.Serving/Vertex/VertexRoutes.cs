namespace Cloud.Serving.Vertex;

/// <summary>
/// Where Vertex AI calls a prediction container and what it says about itself: the health and predict routes
/// (<c>AIP_HEALTH_ROUTE</c>, <c>AIP_PREDICT_ROUTE</c>) and the deployed model's id (<c>AIP_DEPLOYED_MODEL_ID</c>), which
/// every answer carries as <c>deployedModelId</c>, as Vertex's own predict answers do.
/// </summary>
internal sealed record VertexRoutes(string HealthRoute, string PredictRoute, string? DeployedModelId);
