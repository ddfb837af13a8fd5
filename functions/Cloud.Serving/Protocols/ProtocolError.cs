using System.Text.Json;

namespace Cloud.Serving.Protocols;

/// <summary>
/// A request the protocols refuse, with the HTTP status to answer. Both protocols answer errors with the same
/// body, <c>{"error": "&lt;message&gt;"}</c> (TF Serving's shape, which the Open Inference Protocol also uses), and
/// <see cref="WriteTo"/> is the one place that writes it. Codecs only produce 400s; the serving layer makes its
/// own (404 unknown model, 413, 429, 503) with the same type so every error body comes from here.
/// </summary>
/// <param name="StatusCode">The HTTP status.</param>
/// <param name="Message">What was wrong, in words a client can act on.</param>
internal sealed record ProtocolError(int StatusCode, string Message)
{
    /// <summary>A 400: the request does not fit the protocol or the model's signature.</summary>
    public static ProtocolError BadRequest(string message) => new(400, message);

    /// <summary>Writes <c>{"error": "&lt;message&gt;"}</c>.</summary>
    public void WriteTo(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteString("error"u8, Message);
        writer.WriteEndObject();
    }
}
