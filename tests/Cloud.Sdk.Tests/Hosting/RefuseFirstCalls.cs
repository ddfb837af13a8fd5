using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Cloud.Sdk.Tests.Hosting;

/// <summary>
/// In front of the host: the first <c>count</c> gRPC calls to <c>path</c> are refused as the host refuses a call while
/// its queue or body budget is full — a trailers-only answer, UNAVAILABLE, with retry-after — and counted; the rest
/// reach the host.
/// </summary>
public sealed class RefuseFirstCalls(string path, int count) : IStartupFilter
{
    private int _seen;

    public const string Message = "The host is busy (refused by the test); retry after the retry-after delay.";

    /// <summary>Calls to the path so far, refused or not.</summary>
    public int Seen => Volatile.Read(ref _seen);

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((context, then) =>
        {
            if (context.Request.Path.Equals(path, StringComparison.Ordinal) && Interlocked.Increment(ref _seen) <= count)
            {
                context.Response.StatusCode = StatusCodes.Status200OK;
                context.Response.ContentType = "application/grpc";
                context.Response.Headers["grpc-status"] = "14";
                context.Response.Headers["grpc-message"] = Uri.EscapeDataString(Message);
                context.Response.Headers["retry-after"] = "1";
                return Task.CompletedTask;
            }

            return then(context);
        });
        next(app);
    };
}
