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
    /// <summary>
    /// Reads the body, counting it in <paramref name="lease"/>; the refusal to answer when it cannot. The body is in
    /// the request pipe (<c>FromPipe</c>: the caller advances past it when done), or, when it is large, in an array of
    /// its own.
    /// </summary>
    public static async Task<(ReadOnlySequence<byte> Body, bool FromPipe, ProtocolError? Refusal)> ReadAsync(HttpRequest request, ServingOptions options, BodyLease lease, CancellationToken cancellationToken)
    {
        if (request.ContentLength > options.MaxRequestBodyBytes)
        {
            return (default, false, TooLarge(options));
        }

        var reader = request.BodyReader;
        try
        {
            if (request.ContentLength is { } length and > 0)
            {
                if (!lease.TryGrow(length))
                {
                    return (default, false, Busy(lease, length));
                }

                if (length > BodyBuffers.MaxPooledBytes)
                {
                    return (await CopyOutAsync(reader, (int)length, cancellationToken).ConfigureAwait(false), false, null);
                }

                // The usual case: one read for the whole body, instead of read/advance rounds that each take the
                // request pipe's lock against Kestrel's socket loop (visible in profiles under load).
                var whole = await reader.ReadAtLeastAsync((int)length, cancellationToken).ConfigureAwait(false);
                return (whole.Buffer, true, null);
            }

            // Chunked (or no length): counted as it arrives.
            while (true)
            {
                var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                var size = result.Buffer.Length;
                if (size > options.MaxRequestBodyBytes)
                {
                    reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
                    return (default, false, TooLarge(options));
                }

                if (!lease.TryGrow(size - lease.Bytes))
                {
                    reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
                    return (default, false, Busy(lease, size));
                }

                if (result.IsCompleted)
                {
                    return (result.Buffer, true, null);
                }

                // Keep everything buffered and ask for more.
                reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
            }
        }
        // Kestrel's own limit (MaxRequestBodySize, one byte over ours) stops a chunked body that passes ours between
        // two reads; a malformed chunk is the client's error too. Both are answered in the protocols' shape.
        catch (BadHttpRequestException error)
        {
            return (default, false, error.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? TooLarge(options)
                : new ProtocolError(error.StatusCode, $"The request body could not be read: {error.Message}"));
        }
    }

    /// <summary>
    /// A large body copied out of the pipe as it arrives, into one array the collector reclaims: held whole in the
    /// pipe, it would sit in Kestrel's pool blocks, which the pool keeps long after (237 MB after a burst of 10 MB
    /// bodies; it gives back 5% every 10 s). Decoding wants one contiguous buffer anyway, so this is the copy that
    /// joining the pipe's segments would have made.
    /// </summary>
    private static async Task<ReadOnlySequence<byte>> CopyOutAsync(PipeReader reader, int length, CancellationToken cancellationToken)
    {
        var body = GC.AllocateUninitializedArray<byte>(length);
        var filled = 0;
        while (filled < length)
        {
            var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var take = (int)Math.Min(result.Buffer.Length, length - filled);
            result.Buffer.Slice(0, take).CopyTo(body.AsSpan(filled));
            filled += take;
            reader.AdvanceTo(result.Buffer.GetPosition(take));
            if (result.IsCompleted && filled < length)
            {
                throw new BadHttpRequestException($"The request body ended after {filled:N0} of the {length:N0} bytes its Content-Length declares.");
            }
        }

        return new ReadOnlySequence<byte>(body);
    }

    private static ProtocolError TooLarge(ServingOptions options) => new(StatusCodes.Status413PayloadTooLarge,
        $"The request body is larger than the limit of {options.MaxRequestBodyBytes:N0} bytes (Cloud:Serving:MaxRequestBodyBytes{(options.MaxRequestBodyBytesReason is { } why ? ": " + why : "")}).");

    private static ProtocolError Busy(BodyLease lease, long asked) => new(StatusCodes.Status429TooManyRequests, lease.Budget.BusyMessage(asked));

    /// <summary>
    /// Reads the body and decodes it with a protocol's reader. On any failure (too large, too many bodies held,
    /// undecodable) the error response is written and null is returned. The body's bytes stay counted in
    /// <paramref name="lease"/> until the caller disposes it, after the answer.
    /// </summary>
    public static async Task<T?> ReadAndDecodeAsync<T>(HttpContext context, ServingServices s, BodyLease lease, ServedModel model, SequenceDecoder<T> decode)
        where T : class
    {
        var (body, fromPipe, refusal) = await ReadAsync(context.Request, s.Options, lease, context.RequestAborted).ConfigureAwait(false);
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
            decode(body, model, out request, out problem);
        }
        finally
        {
            if (fromPipe)
            {
                context.Request.BodyReader.AdvanceTo(body.End);
            }
        }

        if (problem is not null)
        {
            await ErrorResponses.WriteAsync(context, problem.StatusCode, problem.Message).ConfigureAwait(false);
        }

        return request;
    }
}
