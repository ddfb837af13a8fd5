using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.IO.Compression;
using Cloud.Serving.Protocols;
using Cloud.Serving.Protocols.OipV2;
using Cloud.Serving.Tensors;

namespace Cloud.Serving.Http;

/// <summary>
/// How an OIP v2 <c>/infer</c> body is decoded: plain JSON, or the binary tensor data extension when the request has an
/// Inference-Header-Content-Length header (whatever its content type), either of them possibly compressed
/// (Content-Encoding gzip or deflate, as Triton's HTTP client sends when asked to compress).
/// </summary>
internal static class BinaryInferBody
{
    /// <summary>A 400 or 415 for headers that cannot be honoured, before the body is read; null when they are fine.</summary>
    public static ProtocolError? HeaderProblem(HttpRequest request)
    {
        if (request.Headers.TryGetValue(BinaryTensorHeaders.HeaderLength, out var given) && HeaderLength(request) is null)
        {
            return ProtocolError.BadRequest(ProtocolErrors.HeaderLengthNotNumber(given.ToString()));
        }

        var encoding = request.Headers.ContentEncoding.ToString();
        return encoding.Length == 0 || IsKnownEncoding(encoding)
            ? null
            : new ProtocolError(StatusCodes.Status415UnsupportedMediaType, $"Content-Encoding '{encoding}' is not supported; use gzip, deflate or none.");
    }

    /// <summary>The decoder for this request's body (checked by <see cref="HeaderProblem"/> first).</summary>
    public static SequenceDecoder<OipV2Request>? DecoderFor(HttpRequest request, ServingOptions options)
    {
        var headerLength = HeaderLength(request);
        var encoding = request.Headers.ContentEncoding.ToString();
        SequenceDecoder<OipV2Request> decode = headerLength is { } length
            ? (in ReadOnlySequence<byte> body, ServedModel model, [NotNullWhen(true)] out OipV2Request? result, [NotNullWhen(false)] out ProtocolError? error) =>
                OipV2RequestReader.TryReadBinary(body, length, model, out result, out error)
            : OipV2RequestReader.TryRead;
        if (encoding.Length == 0)
        {
            return decode;
        }

        return (in ReadOnlySequence<byte> body, ServedModel model, [NotNullWhen(true)] out OipV2Request? result, [NotNullWhen(false)] out ProtocolError? error) =>
        {
            result = null;
            byte[]? plain;
            try
            {
                plain = Decompress(body, encoding, options.MaxRequestBodyBytes);
            }
            catch (InvalidDataException e)
            {
                error = ProtocolError.BadRequest($"The request body is not valid {encoding}: {e.Message}");
                return false;
            }

            if (plain is null)
            {
                error = new ProtocolError(StatusCodes.Status413PayloadTooLarge, string.Create(CultureInfo.InvariantCulture,
                    $"The request body, decompressed, is larger than the limit of {options.MaxRequestBodyBytes:N0} bytes (Cloud:Serving:MaxRequestBodyBytes)."));
                return false;
            }

            return decode(new ReadOnlySequence<byte>(plain), model, out result, out error);
        };
    }

    /// <summary>The outputs the request asked for as binary data, in response order.</summary>
    public static IReadOnlyList<Tensor> BinaryOutputs(OipV2Request request, InferenceResponse response)
    {
        var tensors = new List<Tensor>(response.Outputs.Count);
        for (var i = 0; i < response.Outputs.Count; i++)
        {
            if (request.IsBinary(i))
            {
                tensors.Add(response.Outputs[i].Value);
            }
        }

        return tensors;
    }

    private static long? HeaderLength(HttpRequest request)
    {
        var values = request.Headers[BinaryTensorHeaders.HeaderLength];
        return values.Count == 1 && long.TryParse(values[0], NumberStyles.None, CultureInfo.InvariantCulture, out var length) ? length : null;
    }

    private static bool IsKnownEncoding(string encoding) =>
        encoding.Equals("gzip", StringComparison.OrdinalIgnoreCase) || encoding.Equals("deflate", StringComparison.OrdinalIgnoreCase);

    /// <summary>The body decompressed; null as soon as it passes the body limit, so a zip bomb stops there.</summary>
    private static byte[]? Decompress(in ReadOnlySequence<byte> body, string encoding, long limit)
    {
        using var compressed = new MemoryStream(body.ToArray(), writable: false);
        // HTTP's "deflate" is the zlib format (RFC 9110), which is what Triton's client sends.
        using Stream decoder = encoding.Equals("gzip", StringComparison.OrdinalIgnoreCase)
            ? new GZipStream(compressed, CompressionMode.Decompress)
            : new ZLibStream(compressed, CompressionMode.Decompress);
        using var plain = new MemoryStream();
        var buffer = ArrayPool<byte>.Shared.Rent(81920);
        try
        {
            int read;
            while ((read = decoder.Read(buffer, 0, buffer.Length)) > 0)
            {
                plain.Write(buffer, 0, read);
                if (plain.Length > limit)
                {
                    return null;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return plain.ToArray();
    }
}
