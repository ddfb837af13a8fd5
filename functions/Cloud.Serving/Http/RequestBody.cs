using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.IO.Pipelines;
using Cloud.Serving.Protocols;

namespace Cloud.Serving.Http;

/// <summary>A protocol reader's entry point for a body held in the request pipe.</summary>
internal delegate bool SequenceDecoder<T>(in ReadOnlySequence<byte> body, ServedModel model, [NotNullWhen(true)] out T? request, [NotNullWhen(false)] out ProtocolError? error);

/// <summary>
/// Reads a prediction body whole (codecs parse from one buffer) within two limits: the body's own size
/// (413 as soon as it is crossed, before the rest is read) and the bytes all requests hold together
/// (<see cref="BodyBudget"/>: 429 with Retry-After, before the body is read when its length is declared).
/// </summary>
internal static class RequestBody
{
    /// <summary>Reads the body into the pipe, counting it in <paramref name="lease"/>; the refusal to answer when it cannot.</summary>
    public static async Task<(ReadResult Read, ProtocolError? Refusal)> ReadAsync(HttpRequest request, ServingOptions options, BodyLease lease, CancellationToken cancellationToken)
    {
        if (request.ContentLength > options.MaxRequestBodyBytes)
        {
            return (default, TooLarge(options));
        }

        var reader = request.BodyReader;
        try
        {
            if (request.ContentLength is { } length and > 0)
            {
                if (!lease.TryGrow(length))
                {
                    return (default, Busy(lease, length));
                }

                // The usual case: one read for the whole body, instead of read/advance rounds that each take the
                // request pipe's lock against Kestrel's socket loop (visible in profiles under load).
                var whole = await reader.ReadAtLeastAsync((int)length, cancellationToken).ConfigureAwait(false);
                return (whole, null);
            }

            // Chunked (or no length): counted as it arrives.
            while (true)
            {
                var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                var size = result.Buffer.Length;
                if (size > options.MaxRequestBodyBytes)
                {
                    reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
                    return (default, TooLarge(options));
                }

                if (!lease.TryGrow(size - lease.Bytes))
                {
                    reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
                    return (default, Busy(lease, size));
                }

                if (result.IsCompleted)
                {
                    return (result, null);
                }

                // Keep everything buffered and ask for more.
                reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
            }
        }
        // Kestrel's own limit (MaxRequestBodySize, one byte over ours) stops a chunked body that passes ours between
        // two reads; a malformed chunk is the client's error too. Both are answered in the protocols' shape.
        catch (BadHttpRequestException error)
        {
            return (default, error.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? TooLarge(options)
                : new ProtocolError(error.StatusCode, $"The request body could not be read: {error.Message}"));
        }
    }

    private static ProtocolError TooLarge(ServingOptions options) => new(StatusCodes.Status413PayloadTooLarge,
        $"The request body is larger than the limit of {options.MaxRequestBodyBytes:N0} bytes (Cloud:Serving:MaxRequestBodyBytes).");

    private static ProtocolError Busy(BodyLease lease, long asked) => new(StatusCodes.Status429TooManyRequests, lease.Budget.BusyMessage(asked));

    /// <summary>
    /// Reads the body and decodes it with a protocol's reader. On any failure (too large, too many bodies held,
    /// undecodable) the error response is written and null is returned. The body's bytes stay counted in
    /// <paramref name="lease"/> until the caller disposes it, after the answer.
    /// </summary>
    public static async Task<T?> ReadAndDecodeAsync<T>(HttpContext context, ServingServices s, BodyLease lease, ServedModel model, SequenceDecoder<T> decode)
        where T : class
    {
        var (read, refusal) = await ReadAsync(context.Request, s.Options, lease, context.RequestAborted).ConfigureAwait(false);
        if (refusal is not null)
        {
            TimeSpan? retryAfter = refusal.StatusCode == StatusCodes.Status429TooManyRequests ? TimeSpan.FromSeconds(1) : null;
            await ErrorResponses.WriteAsync(context, refusal.StatusCode, refusal.Message, retryAfter).ConfigureAwait(false);
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
            context.Request.BodyReader.AdvanceTo(read.Buffer.End);
        }

        if (problem is not null)
        {
            await ErrorResponses.WriteAsync(context, problem.StatusCode, problem.Message).ConfigureAwait(false);
        }

        return request;
    }
}
