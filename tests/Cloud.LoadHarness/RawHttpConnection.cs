using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Cloud.LoadHarness;

/// <summary>
/// One keep-alive HTTP/1.1 connection that sends the same pre-built POST again and again and reads each answer
/// just far enough to know it is complete (status line, Content-Length or chunked framing). It is the load
/// generator's cheap client, in the manner of wrk: the load shares the machine's two cores with the servers, so
/// every microsecond the client spends per request is taken from the server being measured. Measured per request
/// at concurrency 64 (the process's CPU time, so the kernel's share of loopback TCP included): 10–16 µs against
/// HttpClient's 13–18 µs; most of what is left is the kernel's.
/// </summary>
internal sealed class RawHttpConnection : ILoadConnection
{
    private readonly Socket _socket;
    private readonly byte[] _request;
    private byte[] _buffer = new byte[16 * 1024];
    private int _start;
    private int _end;

    private RawHttpConnection(Socket socket, byte[] request)
    {
        _socket = socket;
        _request = request;
    }

    /// <summary>The body of the last answer that was not 200 (only those are decoded: the others are counted, not read).</summary>
    public string LastErrorBody { get; private set; } = "";

    public static async Task<RawHttpConnection> OpenAsync(Uri url, byte[] body)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Parse(url.Host), url.Port)).ConfigureAwait(false);
        var head = Encoding.ASCII.GetBytes(
            $"POST {url.PathAndQuery} HTTP/1.1\r\nHost: {url.Authority}\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\n\r\n");
        return new RawHttpConnection(socket, [.. head, .. body]);
    }

    /// <exception cref="IOException">The server closed the connection or sent something that is not HTTP/1.1.</exception>
    public async Task<int> SendAsync()
    {
        await _socket.SendAsync(_request, SocketFlags.None).ConfigureAwait(false);

        int headEnd;
        while ((headEnd = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n\r\n"u8)) < 0)
        {
            await ReceiveAsync().ConfigureAwait(false);
        }

        var head = _buffer.AsSpan(_start, headEnd);
        if (head.Length < 12 || !head.StartsWith("HTTP/1.1 "u8))
        {
            throw new IOException("The answer does not start with an HTTP/1.1 status line.");
        }

        var status = ((head[9] - '0') * 100) + ((head[10] - '0') * 10) + (head[11] - '0');
        var keepBody = status != 200;
        var length = TryGetHeader(head, "Content-Length"u8, out var value)
            ? int.Parse(value.Trim((byte)' '), System.Globalization.CultureInfo.InvariantCulture)
            : -1;
        var chunked = TryGetHeader(head, "Transfer-Encoding"u8, out var encoding) && Ascii.EqualsIgnoreCase(encoding.Trim((byte)' '), "chunked"u8);
        _start += headEnd + 4;
        if (length >= 0)
        {
            while (_end - _start < length)
            {
                await ReceiveAsync().ConfigureAwait(false);
            }

            LastErrorBody = keepBody ? Encoding.UTF8.GetString(_buffer, _start, length) : LastErrorBody;
            _start += length;
        }
        else if (chunked)
        {
            await ReadChunkedAsync(keepBody).ConfigureAwait(false);
        }
        else
        {
            throw new IOException("The answer has neither Content-Length nor chunked framing.");
        }

        return status;
    }

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task ReadChunkedAsync(bool keepBody)
    {
        var body = keepBody ? new StringBuilder() : null;
        while (true)
        {
            int lineEnd;
            while ((lineEnd = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n"u8)) < 0)
            {
                await ReceiveAsync().ConfigureAwait(false);
            }

            var size = int.Parse(Encoding.ASCII.GetString(_buffer, _start, lineEnd).Split(';')[0], System.Globalization.NumberStyles.HexNumber,
                System.Globalization.CultureInfo.InvariantCulture);
            _start += lineEnd + 2;
            while (_end - _start < size + 2)
            {
                await ReceiveAsync().ConfigureAwait(false);
            }

            body?.Append(Encoding.UTF8.GetString(_buffer, _start, size));
            _start += size + 2; // the chunk and its CRLF (the last chunk has no trailers from our servers)
            if (size == 0)
            {
                LastErrorBody = body?.ToString() ?? LastErrorBody;
                return;
            }
        }
    }

    private async Task ReceiveAsync()
    {
        if (_start == _end)
        {
            _start = _end = 0;
        }
        else if (_end == _buffer.Length)
        {
            // Move what is unread to the front, growing the buffer when an answer is bigger than it.
            var unread = _end - _start;
            var target = unread > _buffer.Length / 2 ? new byte[_buffer.Length * 2] : _buffer;
            Buffer.BlockCopy(_buffer, _start, target, 0, unread);
            (_buffer, _start, _end) = (target, 0, unread);
        }

        var read = await _socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None).ConfigureAwait(false);
        if (read == 0)
        {
            throw new IOException("The server closed the connection.");
        }

        _end += read;
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
