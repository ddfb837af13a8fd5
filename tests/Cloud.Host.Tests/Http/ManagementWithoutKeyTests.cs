using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;

namespace Cloud.Host.Tests.Http;

/// <summary>Without an admin key the management API answers only callers on this machine; predictions answer anyone.</summary>
public sealed class ManagementWithoutKeyTests : IAsyncLifetime
{
    private ServingHost _host = null!;

    public async Task InitializeAsync() => _host = await ServingHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Theory]
    [InlineData("127.0.0.1", StatusCodes.Status200OK)]
    [InlineData("::1", StatusCodes.Status200OK)]
    [InlineData("203.0.113.7", StatusCodes.Status403Forbidden)]
    [InlineData("10.1.2.3", StatusCodes.Status403Forbidden)]
    public async Task TheManagementApiServesLoopbackCallersOnly(string caller, int expected)
    {
        var context = await SendFromAsync(caller, HttpMethods.Get, "/api/models");

        Assert.Equal(expected, context.Response.StatusCode);
        if (expected == StatusCodes.Status403Forbidden)
        {
            var error = JsonDocument.Parse(context.Response.Body).RootElement.GetProperty("error").GetString();
            Assert.Equal("The management API answers only local callers when no admin key is configured (set Cloud:Management:AdminKey).", error);
        }
    }

    [Fact]
    public async Task ARemoteCallerCannotMoveALabelButCanStillPredict()
    {
        var before = await _host.Registry.GetLabelAsync("iris", "canary");
        var move = await SendFromAsync("203.0.113.7", HttpMethods.Put, "/api/models/iris/labels/canary", """{"version": "1.0.0"}""");
        var predict = await SendFromAsync("203.0.113.7", HttpMethods.Post, "/v1/models/iris:predict", """{"instances": [[5.1, 3.5, 1.4, 0.2]]}""");

        Assert.Equal(StatusCodes.Status403Forbidden, move.Response.StatusCode);
        Assert.Null(before);
        Assert.Null(await _host.Registry.GetLabelAsync("iris", "canary"));
        Assert.Equal(StatusCodes.Status200OK, predict.Response.StatusCode);
    }

    private Task<HttpContext> SendFromAsync(string caller, string method, string path, string? body = null) =>
        _host.App.GetTestServer().SendAsync(context =>
        {
            context.Connection.RemoteIpAddress = IPAddress.Parse(caller);
            context.Request.Method = method;
            context.Request.Path = path;
            if (body is not null)
            {
                context.Request.ContentType = "application/json";
                context.Request.Body = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(body));
            }
        });
}
