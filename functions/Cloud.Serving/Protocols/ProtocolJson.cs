using System.Text.Encodings.Web;
using System.Text.Json;

namespace Cloud.Serving.Protocols;

/// <summary>JSON settings shared by both protocols.</summary>
internal static class ProtocolJson
{
    /// <summary>Strict JSON (no comments, no trailing commas) with the default depth limit of 64.</summary>
    public static JsonReaderOptions ReaderOptions { get; } = new() { CommentHandling = JsonCommentHandling.Disallow };

    /// <summary>
    /// Options for response writers. Non-ASCII text goes out as UTF-8 rather than \u escapes, as TF Serving
    /// writes it; the bodies are application/json, never embedded in HTML, so the relaxed encoder is safe.
    /// </summary>
    public static JsonWriterOptions WriterOptions { get; } = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
