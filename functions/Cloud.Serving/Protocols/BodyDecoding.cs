using System.Buffers;
using System.Diagnostics.CodeAnalysis;

namespace Cloud.Serving.Protocols;

/// <summary>Decodes a request body against a model's signature.</summary>
internal delegate T BodyReader<out T>(ReadOnlySpan<byte> body, ServedSignature signature);

/// <summary>
/// The entry points every protocol reader shares: a body as a span, memory or (possibly segmented) sequence, a
/// decoder that throws <see cref="ProtocolException"/> from anywhere inside, and a Try-shaped result.
/// </summary>
internal static class BodyDecoding
{
    public static bool TryDecode<T>(ReadOnlySpan<byte> body, ServedModel model, BodyReader<T> read, [NotNullWhen(true)] out T? result, [NotNullWhen(false)] out ProtocolError? error)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(model);
        try
        {
            result = read(body, model.Signature);
            error = null;
            return true;
        }
        catch (ProtocolException e)
        {
            result = null;
            error = e.Error;
            return false;
        }
    }

    public static bool TryDecode<T>(in ReadOnlySequence<byte> body, ServedModel model, BodyReader<T> read, [NotNullWhen(true)] out T? result, [NotNullWhen(false)] out ProtocolError? error)
        where T : class
    {
        var json = JsonBody.Contiguous(body, out var rented);
        try
        {
            return TryDecode(json, model, read, out result, out error);
        }
        finally
        {
            if (rented is not null)
            {
                BodyBuffers.Return(rented);
            }
        }
    }
}
