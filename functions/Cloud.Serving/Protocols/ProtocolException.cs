namespace Cloud.Serving.Protocols;

/// <summary>
/// Unwinds a decoder from deep inside a nested read to its public entry point, which turns it into a
/// <see cref="ProtocolError"/>. Never escapes the codecs: callers get a result, not an exception. Decoding is
/// recursive and a status code threaded through every level would cost the valid requests (the hot path) more
/// than an exception costs the invalid ones.
/// </summary>
#pragma warning disable CA1032, CA1064 // Internal control flow, created only with a message, never caught outside this folder.
internal sealed class ProtocolException(string message) : Exception(message)
#pragma warning restore CA1032, CA1064
{
    public ProtocolError Error => ProtocolError.BadRequest(Message);
}
