namespace Cloud.Host.Vertex;

/// <summary>The artifacts at AIP_STORAGE_URI cannot be served; the message says what is there and what is missing.</summary>
internal sealed class VertexArtifactException(string message) : Exception(message);
