using System.Buffers;
using System.Text.Json;

namespace Cloud.Sdk.Http;

/// <summary>
/// Writes request bodies with a <see cref="Utf8JsonWriter"/> and buffer kept per thread, reset for each body: a typed
/// prediction writes a body on every call, and a new writer and buffer each time was most of what the typed helpers
/// cost over sending prebuilt bytes (docs/performance.md). The body leaves as an exact-size array, because the request
/// may still be reading it after this thread has moved on.
/// </summary>
internal static class JsonBodies
{
    /// <summary>A buffer that grew past this for one big body is dropped afterwards, not kept by the thread.</summary>
    private const int KeptCapacity = 64 * 1024;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    [ThreadStatic]
    private static bool t_busy;

    public static byte[] Write<TState>(TState state, Action<Utf8JsonWriter, TState> write)
    {
        if (t_busy)
        {
            // A body written while another is being written on this thread (a caller's row enumerator that predicts):
            // it gets its own writer rather than resetting the one in use.
            var own = new ArrayBufferWriter<byte>(256);
            using (var writer = new Utf8JsonWriter(own))
            {
                write(writer, state);
            }

            return own.WrittenSpan.ToArray();
        }

        t_busy = true;
        try
        {
            var buffer = t_buffer ??= new ArrayBufferWriter<byte>(256);
            buffer.ResetWrittenCount();
            var writer = t_writer;
            if (writer is null)
            {
                t_writer = writer = new Utf8JsonWriter(buffer);
            }
            else
            {
                // Also forgets a document left half-written when the caller's callback threw.
                writer.Reset(buffer);
            }

            write(writer, state);
            writer.Flush();
            var body = buffer.WrittenSpan.ToArray();
            if (buffer.Capacity > KeptCapacity)
            {
                t_buffer = null;
                t_writer = null;
            }

            return body;
        }
        finally
        {
            t_busy = false;
        }
    }
}
