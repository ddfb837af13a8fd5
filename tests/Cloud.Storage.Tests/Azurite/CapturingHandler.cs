using System.Collections.Concurrent;
using System.Net;

namespace Cloud.Storage.Tests.Azurite;

/// <summary>
/// An HTTP handler that never touches the network: it records each request (headers included) and answers with
/// the next canned response, so authentication can be checked without a real service or identity provider.
/// </summary>
internal sealed class CapturingHandler(params Func<HttpRequestMessage, HttpResponseMessage>[] answers) : HttpMessageHandler
{
    private readonly ConcurrentQueue<HttpRequestMessage> _requests = new();
    private int _next;

    public IReadOnlyList<HttpRequestMessage> Requests => [.. _requests];

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        _requests.Enqueue(request);
        var index = Math.Min(Interlocked.Increment(ref _next) - 1, answers.Length - 1);
        return Task.FromResult(answers[index](request));
    }

    public static HttpResponseMessage Status(HttpStatusCode status) => new(status) { Content = new ByteArrayContent([]) };
}
