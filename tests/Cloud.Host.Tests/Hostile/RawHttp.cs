using System.Net.Sockets;
using System.Text;

namespace Cloud.Host.Tests.Hostile;

/// <summary>
/// HTTP/1.1 over a bare socket, for requests HttpClient will not send as written (literal "..", NUL, a request line
/// of 9 KB, a malformed chunked body). Sends <c>Connection: close</c> and reads until the server closes.
/// </summary>
internal static class RawHttp
{
    /// <summary>The status and body of the answer to <paramref name="head"/> (request line and headers, no blank line) and <paramref name="body"/>.</summary>
    public static async Task<(int Status, string Body)> SendAsync(Uri server, string head, string body = "")
    {
        using var client = new TcpClient();
        await client.ConnectAsync(server.Host, server.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.UTF8.GetBytes($"{head}\r\nHost: {server.Authority}\r\nConnection: close\r\n\r\n{body}"));

        using var answer = new MemoryStream();
        await stream.CopyToAsync(answer).WaitAsync(TestTimeout.Value);
        var text = Encoding.UTF8.GetString(answer.ToArray());
        var status = int.Parse(text.AsSpan(9, 3), provider: System.Globalization.CultureInfo.InvariantCulture);
        var bodyStart = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        return (status, bodyStart < 0 ? "" : text[(bodyStart + 4)..]);
    }
}
