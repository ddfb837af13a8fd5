using System.Buffers;
using System.Text.Json;
using System.Globalization;
using Cloud.Serving.Protocols;
using Cloud.Serving.Protocols.Tensors;
using Cloud.Serving.Tensors;

namespace Cloud.Serving.Http;

/// <summary>
/// Writes a whole JSON response body with its Content-Length. The JSON is first written into a buffer kept per
/// thread, so Kestrel gets the length before the first byte and sends status line, headers and body in one write
/// when the request ends: no chunked framing and no second send for the closing chunk (a send per response is a
/// tenth of the host's CPU under load). Clients also learn the size up front, as TF Serving's answers tell it.
/// </summary>
internal static class JsonAnswer
{
    /// <summary>Buffers that grew past this for a big answer are dropped after it rather than kept per thread.</summary>
    private const int KeptCapacity = 64 * 1024;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    /// <param name="write">Writes the body; it runs synchronously on this thread, which is what makes the reuse safe.</param>
    public static void Write<TState>(HttpResponse response, TState state, Action<Utf8JsonWriter, TState> write) => Write(response, state, write, null);

    /// <summary>
    /// The JSON followed by <paramref name="binary"/>'s tensors as raw bytes (the binary tensor data extension): the
    /// JSON's length goes in Inference-Header-Content-Length and the body is <c>application/octet-stream</c>, as Triton answers.
    /// </summary>
    public static void Write<TState>(HttpResponse response, TState state, Action<Utf8JsonWriter, TState> write, IReadOnlyList<Tensor>? binary)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(1024);
        var writer = t_writer ??= new Utf8JsonWriter(buffer, ProtocolJson.WriterOptions);
        try
        {
            write(writer, state);
            writer.Flush();
            if (binary is null || binary.Count == 0)
            {
                response.ContentType = "application/json";
                response.ContentLength = buffer.WrittenCount;
                response.BodyWriter.Write(buffer.WrittenSpan);
                return;
            }

            long length = buffer.WrittenCount;
            for (var i = 0; i < binary.Count; i++)
            {
                length += RawTensors.ByteSize(binary[i]);
            }

            response.ContentType = "application/octet-stream";
            response.Headers[BinaryTensorHeaders.HeaderLength] = buffer.WrittenCount.ToString(CultureInfo.InvariantCulture);
            response.ContentLength = length;
            response.BodyWriter.Write(buffer.WrittenSpan);
            for (var i = 0; i < binary.Count; i++)
            {
                var size = RawTensors.ByteSize(binary[i]);
                RawTensors.Write(binary[i], response.BodyWriter.GetSpan(size));
                response.BodyWriter.Advance(size);
            }
        }
        finally
        {
            if (buffer.Capacity > KeptCapacity)
            {
                t_buffer = null;
                t_writer = null;
            }
            else
            {
                buffer.ResetWrittenCount();
                writer.Reset(buffer);
            }
        }
    }
}
