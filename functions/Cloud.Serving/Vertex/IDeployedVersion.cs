namespace Cloud.Serving.Vertex;

/// <summary>
/// The one version a Vertex AI container serves (its artifacts are the deployment's), as the container's host learns it:
/// <see cref="Loaded"/> completes when that version is registered, loaded and warmed, which is when the health route
/// turns 200; it never completes if the artifacts cannot be served (the host then stops with the reason).
/// </summary>
internal interface IDeployedVersion
{
    Task<(string Model, string Version)> Loaded { get; }
}
