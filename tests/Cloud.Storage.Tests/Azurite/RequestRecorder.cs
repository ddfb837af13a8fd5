using System.Collections.Concurrent;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Cloud.Storage.Tests.Azurite;

/// <summary>
/// A pipeline policy that remembers each request's method, URI and byte range (x-ms-range or Range; null when whole),
/// so tests can count the calls a client made.
/// </summary>
internal sealed class RequestRecorder : HttpPipelineSynchronousPolicy
{
    private readonly ConcurrentQueue<(string Method, Uri Uri, string? Range)> _requests = new();

    public IReadOnlyList<(string Method, Uri Uri, string? Range)> Requests => [.. _requests];

    public override void OnSendingRequest(HttpMessage message) =>
        _requests.Enqueue((message.Request.Method.Method, message.Request.Uri.ToUri(), RangeOf(message.Request)));

    /// <summary>The request's byte range, as the SDK sent it ("bytes=0-1023"), or null.</summary>
    public static string? RangeOf(Request request) =>
        request.Headers.TryGetValue("x-ms-range", out var range) || request.Headers.TryGetValue("Range", out range) ? range : null;

    /// <summary>How many <paramref name="method"/> requests had exactly <c>comp=<paramref name="comp"/></c> (null: no comp) in their query.</summary>
    public int Count(string method, string? comp) => Requests.Count(r => r.Method == method && Comp(r.Uri) == comp);

    private static string? Comp(Uri uri) => uri.Query.TrimStart('?').Split('&')
        .Where(pair => pair.StartsWith("comp=", StringComparison.Ordinal))
        .Select(pair => pair["comp=".Length..])
        .FirstOrDefault();
}
