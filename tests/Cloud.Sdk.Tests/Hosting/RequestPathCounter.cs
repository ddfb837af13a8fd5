using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace Cloud.Sdk.Tests.Hosting;

/// <summary>
/// Counts the requests a host receives, by path, in front of everything the host runs: what the client put on the wire
/// (one gRPC call is one HTTP/2 request to /{service}/{method}), seen from the server's side, where the SDK gives no
/// handler of the gRPC channel to watch.
/// </summary>
public sealed class RequestPathCounter : IStartupFilter
{
    private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);

    public int this[string path] => _counts.GetValueOrDefault(path);

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((context, then) =>
        {
            _counts.AddOrUpdate(context.Request.Path.Value ?? string.Empty, 1, static (_, n) => n + 1);
            return then(context);
        });
        next(app);
    };
}
