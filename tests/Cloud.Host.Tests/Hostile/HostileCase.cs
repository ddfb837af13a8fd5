using System.Net.Http.Headers;
using System.Text;

namespace Cloud.Host.Tests.Hostile;

/// <summary>
/// One hostile request and what the host must answer: the status and the error message, exact, or (when it starts
/// with '^') a regular expression that must match the whole message. Serializable as plain values, so each case is a
/// test of its own in the runner.
/// </summary>
public static class HostileCase
{
    /// <summary>Sends <paramref name="body"/> (JSON unless <paramref name="contentType"/> says otherwise; none when null).</summary>
    public static async Task<HttpResponseMessage> SendAsync(HttpClient client, string method, string path, string? body, string? contentType = "application/json", params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
            if (contentType is not null)
            {
                request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
            }
        }

        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return await client.SendAsync(request);
    }

    /// <summary>Sends the case and asserts its answer: the status, then the error shape and its message.</summary>
    public static async Task AssertAnswerAsync(HttpClient client, string method, string path, string? body, int status, string message) =>
        await ErrorShape.AssertAsync(await SendAsync(client, method, path, body), status, message);
}
