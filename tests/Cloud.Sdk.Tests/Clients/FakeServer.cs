using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Cloud.Sdk.Tests.Clients;

/// <summary>
/// A small Kestrel server on a free loopback port that answers every request with <paramref name="answer"/> and
/// records what arrived (method, path, headers, body, time): for the answers the real host does not give on demand.
/// </summary>
public sealed class FakeServer(Func<HttpContext, int, Task> answer) : IAsyncDisposable
{
    private WebApplication _app = null!;

    public ConcurrentQueue<Received> Requests { get; } = new();

    public Uri Endpoint { get; private set; } = null!;

    public static async Task<FakeServer> StartAsync(Func<HttpContext, int, Task> answer)
    {
        var server = new FakeServer(answer);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        server._app = builder.Build();
        var count = 0;
        server._app.Run(async context =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            var index = Interlocked.Increment(ref count) - 1;
            server.Requests.Enqueue(new Received(context.Request.Method, context.Request.Path + context.Request.QueryString,
                context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase), body.ToArray(), DateTimeOffset.UtcNow));
            await server.AnswerAsync(context, index);
        });
        await server._app.StartAsync();
        server.Endpoint = new Uri(server._app.Urls.Single());
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private Task AnswerAsync(HttpContext context, int index) => answer(context, index);

    public sealed record Received(string Method, string PathAndQuery, IReadOnlyDictionary<string, string> Headers, byte[] Body, DateTimeOffset At);
}
