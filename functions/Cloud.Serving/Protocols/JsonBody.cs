using System.Buffers;
using System.Text.Json;
using System.Text.Unicode;

namespace Cloud.Serving.Protocols;

/// <summary>
/// A request body made ready for <see cref="Utf8JsonReader"/>: contiguous, checked to be UTF-8, and with TF
/// Serving's bare <c>NaN</c>, <c>Infinity</c> and <c>-Infinity</c> tokens quoted, since the reader refuses them.
/// Value readers accept the quoted forms for floating-point inputs, so bare and quoted spellings mean the same.
/// Dispose returns any pooled buffer; decoded tensors never point into it.
/// </summary>
internal ref struct JsonBody
{
    private readonly int _skipped;
    private byte[]? _rented;
    private List<int>? _insertions;

    private JsonBody(ReadOnlySpan<byte> json, int skipped, byte[]? rented, List<int>? insertions)
    {
        Json = json;
        _skipped = skipped;
        _rented = rented;
        _insertions = insertions;
    }

    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    /// <summary>The JSON to read.</summary>
    public ReadOnlySpan<byte> Json { get; }

    /// <summary>Checks the body and quotes non-finite tokens; throws <see cref="ProtocolException"/> when it is empty or not UTF-8.</summary>
    public static JsonBody Prepare(ReadOnlySpan<byte> body)
    {
        if (!Utf8.IsValid(body))
        {
            throw new ProtocolException(ProtocolErrors.NotUtf8(FirstInvalidUtf8(body)));
        }

        // RFC 8259 lets a parser ignore a byte order mark, and some Windows clients send one; the reader refuses it.
        var skipped = body.StartsWith(Utf8Bom) ? Utf8Bom.Length : 0;
        body = body[skipped..];
        if (body.Trim(" \t\r\n"u8).IsEmpty)
        {
            throw new ProtocolException(ProtocolErrors.EmptyBody);
        }

        // Capital N and I never occur outside strings in valid JSON, so bodies without them (the common case,
        // and every all-numeric body) skip the scan with one vectorized search.
        if (body.IndexOfAny((byte)'N', (byte)'I') < 0)
        {
            return new JsonBody(body, skipped, null, null);
        }

        var extra = NonFiniteTokens.CountBareTokens(body) * 2;
        if (extra == 0)
        {
            return new JsonBody(body, skipped, null, null);
        }

        var rented = BodyBuffers.Rent(body.Length + extra);
        var insertions = new List<int>();
        var length = NonFiniteTokens.QuoteBareTokens(body, rented, insertions);
        return new JsonBody(rented.AsSpan(0, length), skipped, rented, insertions);
    }

    /// <summary>A contiguous view of <paramref name="body"/>, copied into a pooled buffer only when it is split.</summary>
    public static ReadOnlySpan<byte> Contiguous(in ReadOnlySequence<byte> body, out byte[]? rented)
    {
        if (body.IsSingleSegment)
        {
            rented = null;
            return body.FirstSpan;
        }

        var length = checked((int)body.Length);
        rented = BodyBuffers.Rent(length);
        body.CopyTo(rented);
        return rented.AsSpan(0, length);
    }

    /// <summary>
    /// The error for a JSON syntax error, positioned in the body the client sent (1-based line and byte in line):
    /// quotes this type inserted are taken back out of the reader's position.
    /// </summary>
    public readonly ProtocolException InvalidJson(JsonException error)
    {
        var line = error.LineNumber ?? 0;
        var bytePosition = error.BytePositionInLine ?? 0;
        if (_insertions is { Count: > 0 })
        {
            bytePosition = NonFiniteTokens.OriginalBytePosition(Json, _insertions, line, bytePosition);
        }

        if (line == 0)
        {
            bytePosition += _skipped;
        }

        // The reader counts from 0; the message counts as editors do, from 1.
        return new ProtocolException(ProtocolErrors.InvalidJson(JsonSyntax.Detail(error), line + 1, bytePosition + 1));
    }

    public void Dispose()
    {
        if (_rented is not null)
        {
            BodyBuffers.Return(_rented);
            _rented = null;
        }

        _insertions = null;
    }

    private static int FirstInvalidUtf8(ReadOnlySpan<byte> body)
    {
        Span<char> scratch = stackalloc char[256];
        var offset = 0;
        while (true)
        {
            var status = Utf8.ToUtf16(body[offset..], scratch, out var read, out _, replaceInvalidSequences: false);
            offset += read;
            if (status != OperationStatus.DestinationTooSmall)
            {
                return offset;
            }
        }
    }
}
