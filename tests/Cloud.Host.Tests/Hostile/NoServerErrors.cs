using Xunit.Sdk;

namespace Cloud.Host.Tests.Hostile;

/// <summary>
/// The suite's zero-5xx check: every answer passes through here, and a 5xx fails the case that got it with the
/// request and the body, whatever else the case asserts. A hostile input is always the client's mistake.
/// </summary>
internal sealed class NoServerErrors(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        if ((int)response.StatusCode >= 500)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new XunitException($"{request.Method} {request.RequestUri} answered {(int)response.StatusCode}, a server error: {body}");
        }

        return response;
    }
}
