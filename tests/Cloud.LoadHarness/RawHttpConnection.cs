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
    private readonly AnswerBuffer _buffer = new();

    private RawHttpConnection(Socket socket, byte[] request)
    {
        _socket = socket;
        _request = request;
    }

    /// <summary>The body of the last answer that was not 200 (only those are decoded: the others are counted, not read).</summary>
    public string LastErrorBody { get; private set; } = "";

    public static async Task<RawHttpConnection> OpenAsync(Uri url, byte[] body, string? headers = null)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Parse(url.Host), url.Port)).ConfigureAwait(false);
        return new RawHttpConnection(socket, Request(url, body, headers));
    }

    /// <summary>The benchmark's whole request as bytes, built once: a keep-alive JSON POST of <paramref name="body"/>.</summary>
    /// <param name="headers">Extra header lines, each ending in CRLF (the binary tensor extension's Inference-Header-Content-Length).</param>
    public static byte[] Request(Uri url, byte[] body, string? headers = null) =>
        [.. Encoding.ASCII.GetBytes($"POST {url.PathAndQuery} HTTP/1.1\r\nHost: {url.Authority}\r\nContent-Type: application/json\r\n{headers}Content-Length: {body.Length}\r\n\r\n"), .. body];

    /// <exception cref="IOException">The server closed the connection or sent something that is not HTTP/1.1.</exception>
    public async Task<int> SendAsync()
    {
        await _socket.SendAsync(_request, SocketFlags.None).ConfigureAwait(false);
        int length, status;
        while (!HttpAnswer.TryFrame(_buffer.Unread, out length, out status))
        {
            var read = await _socket.ReceiveAsync(_buffer.Free(), SocketFlags.None).ConfigureAwait(false);
            _buffer.Received(read > 0 ? read : throw new IOException("The server closed the connection."));
        }

        LastErrorBody = status != 200 ? HttpAnswer.Body(_buffer.Unread[..length]) : LastErrorBody;
        _buffer.Take(length);
        return status;
    }

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
