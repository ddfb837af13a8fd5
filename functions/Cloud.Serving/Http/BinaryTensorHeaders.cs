namespace Cloud.Serving.Http;

/// <summary>The binary tensor data extension's header (Triton's, used by its HTTP clients).</summary>
internal static class BinaryTensorHeaders
{
    /// <summary>
    /// The length of the JSON at the start of the body; the rest is binary tensor data. Its presence, not the content
    /// type, marks a binary request: Triton's HTTP client sends no Content-Type (and may compress the body).
    /// </summary>
    public const string HeaderLength = "Inference-Header-Content-Length";
}
