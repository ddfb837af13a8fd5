using Cloud.Host.Tests.Http;
using Microsoft.AspNetCore.TestHost;
using Xunit.Sdk;

namespace Cloud.Host.Tests.Hostile;

/// <summary>
/// The suite's zero-5xx check: every answer passes through here, and a 5xx fails the case that got it with the
/// request and the body, whatever else the case asserts. A hostile input is always the client's mistake.
/// </summary>
internal sealed class NoServerErrors(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    /// <summary>A client of <paramref name="host"/>'s test server whose answers pass through the check.</summary>
    public static HttpClient ClientOf(ServingHost host) =>
        new(new NoServerErrors(host.App.GetTestServer().CreateHandler())) { BaseAddress = host.Client.BaseAddress };

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
