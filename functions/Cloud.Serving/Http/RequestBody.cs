using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.IO.Pipelines;
using Cloud.Serving.Protocols;

namespace Cloud.Serving.Http;

/// <summary>A protocol reader's entry point for a body held in the request pipe.</summary>
internal delegate bool SequenceDecoder<T>(in ReadOnlySequence<byte> body, ServedModel model, [NotNullWhen(true)] out T? request, [NotNullWhen(false)] out ProtocolError? error);

/// <summary>
/// Reads a prediction body whole (codecs parse from one buffer) with the configured size limit: a body over the
/// limit is refused with 413 as soon as the limit is crossed, before the rest is read.
/// </summary>
internal static class RequestBody
{
    /// <summary>Reads the body; null with <paramref name="tooLarge"/> set when it exceeds the limit.</summary>
    public static async Task<ReadResult?> ReadAsync(HttpRequest request, ServingOptions options, CancellationToken cancellationToken)
    {
        if (request.ContentLength > options.MaxRequestBodyBytes)
        {
            return null;
        }

        var reader = request.BodyReader;
        if (request.ContentLength is { } length and > 0)
        {
            // The usual case: one read for the whole body, instead of read/advance rounds that each take the
            // request pipe's lock against Kestrel's socket loop (visible in profiles under load).
            var whole = await reader.ReadAtLeastAsync((int)Math.Min(length, int.MaxValue), cancellationToken).ConfigureAwait(false);
            if (whole.Buffer.Length > options.MaxRequestBodyBytes)
            {
                reader.AdvanceTo(whole.Buffer.Start, whole.Buffer.End);
                return null;
            }

            return whole;
        }

        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            if (result.Buffer.Length > options.MaxRequestBodyBytes)
            {
                reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
                return null;
            }

            if (result.IsCompleted)
            {
                return result;
            }

            // Keep everything buffered and ask for more.
            reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
    }

    public static string TooLargeMessage(ServingOptions options) =>
        $"The request body is larger than the limit of {options.MaxRequestBodyBytes:N0} bytes (Cloud:Serving:MaxRequestBodyBytes).";

    /// <summary>
    /// Reads the body and decodes it with a protocol's reader. On any failure (too large, undecodable) the error
    /// response is written and null is returned.
    /// </summary>
    public static async Task<T?> ReadAndDecodeAsync<T>(HttpContext context, ServingOptions options, ServedModel model, SequenceDecoder<T> decode)
        where T : class
    {
        if (await ReadAsync(context.Request, options, context.RequestAborted).ConfigureAwait(false) is not { } read)
        {
            await ErrorResponses.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, TooLargeMessage(options)).ConfigureAwait(false);
            return null;
        }

        T? request;
        ProtocolError? problem;
        try
        {
            decode(read.Buffer, model, out request, out problem);
        }
        finally
        {
            Release(context.Request, read.Buffer);
        }

        if (problem is not null)
        {
            await ErrorResponses.WriteAsync(context, problem.StatusCode, problem.Message).ConfigureAwait(false);
        }

        return request;
    }

    /// <summary>Marks the buffer read once the codec is done with it.</summary>
    public static void Release(HttpRequest request, in ReadOnlySequence<byte> buffer) => request.BodyReader.AdvanceTo(buffer.End);
}
