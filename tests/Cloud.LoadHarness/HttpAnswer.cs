using System.Globalization;
using System.Text;

namespace Cloud.LoadHarness;

/// <summary>
/// Frames HTTP/1.1 answers in received bytes for the load clients: just enough parsing to know where an answer ends
/// (Content-Length or chunked framing) and what its status is. A body is decoded only when asked for, which the
/// clients do for answers that are not 200 alone: decoding every answer would be client CPU taken from the server.
/// </summary>
internal static class HttpAnswer
{
    /// <summary>Whether <paramref name="data"/> starts with a whole answer; if so, how many bytes it takes and its status.</summary>
    /// <exception cref="IOException">The bytes are not an HTTP/1.1 answer, or it has neither Content-Length nor chunked framing.</exception>
    public static bool TryFrame(ReadOnlySpan<byte> data, out int length, out int status)
    {
        (length, status) = (0, 0);
        var headEnd = data.IndexOf("\r\n\r\n"u8);
        if (headEnd < 0)
        {
            return false;
        }

        var head = data[..headEnd];
        if (head.Length < 12 || !head.StartsWith("HTTP/1.1 "u8))
        {
            throw new IOException("The answer does not start with an HTTP/1.1 status line.");
        }

        status = ((head[9] - '0') * 100) + ((head[10] - '0') * 10) + (head[11] - '0');
        var bodyStart = headEnd + 4;
        if (TryGetHeader(head, "Content-Length"u8, out var value))
        {
            length = bodyStart + int.Parse(value.Trim((byte)' '), CultureInfo.InvariantCulture);
            return data.Length >= length;
        }

        if (!TryGetHeader(head, "Transfer-Encoding"u8, out var encoding) || !Ascii.EqualsIgnoreCase(encoding.Trim((byte)' '), "chunked"u8))
        {
            throw new IOException("The answer has neither Content-Length nor chunked framing.");
        }

        for (var at = bodyStart; ;)
        {
            if (!TryReadChunkSize(data[at..], out var lineLength, out var size) || data.Length < at + lineLength + size + 2)
            {
                return false;
            }

            at += lineLength + size + 2; // the size line, the chunk and its CRLF (our servers send no trailers)
            if (size == 0)
            {
                length = at;
                return true;
            }
        }
    }

    /// <summary>The body of one whole answer (as framed by <see cref="TryFrame"/>), de-chunked, as text.</summary>
    public static string Body(ReadOnlySpan<byte> answer)
    {
        var at = answer.IndexOf("\r\n\r\n"u8) + 4;
        if (TryGetHeader(answer[..(at - 4)], "Content-Length"u8, out _))
        {
            return Encoding.UTF8.GetString(answer[at..]);
        }

        var body = new StringBuilder();
        while (TryReadChunkSize(answer[at..], out var lineLength, out var size) && size > 0)
        {
            body.Append(Encoding.UTF8.GetString(answer.Slice(at + lineLength, size)));
            at += lineLength + size + 2;
        }

        return body.ToString();
    }

    /// <summary>A chunk's size line ("1a;ext\r\n"): its length with the CRLF, and the size it gives.</summary>
    private static bool TryReadChunkSize(ReadOnlySpan<byte> data, out int lineLength, out int size)
    {
        (lineLength, size) = (0, 0);
        var lineEnd = data.IndexOf("\r\n"u8);
        if (lineEnd < 0)
        {
            return false;
        }

        var digits = data[..lineEnd];
        if (digits.IndexOf((byte)';') is var extension and >= 0)
        {
            digits = digits[..extension];
        }

        size = int.Parse(digits.Trim((byte)' '), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        lineLength = lineEnd + 2;
        return true;
    }

    /// <summary>The value of the header <paramref name="name"/>, matched case-insensitively, as a slice of the head.</summary>
    private static bool TryGetHeader(ReadOnlySpan<byte> head, ReadOnlySpan<byte> name, out ReadOnlySpan<byte> value)
    {
        // The status line comes first; each header line follows a CRLF.
        for (var rest = head; rest.IndexOf("\r\n"u8) is var lineEnd and >= 0;)
        {
            rest = rest[(lineEnd + 2)..];
            var line = rest.IndexOf("\r\n"u8) is var next and >= 0 ? rest[..next] : rest;
            var colon = line.IndexOf((byte)':');
            if (colon == name.Length && Ascii.EqualsIgnoreCase(line[..colon], name))
            {
                value = line[(colon + 1)..];
                return true;
            }
        }

        value = default;
        return false;
    }
}
