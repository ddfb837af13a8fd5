using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;

namespace Cloud.TestSupport.Gcs;

/// <summary>
/// A loopback fake of the Cloud Storage JSON API (https://cloud.google.com/storage/docs/json_api), the subset
/// Google.Cloud.Storage.V1 uses for objects: insert (resumable, multipart and media uploads), get (metadata, and media
/// with Range), list (prefix, pageToken, maxResults), delete, each with the generation preconditions
/// (<c>ifGenerationMatch=0</c> create only, <c>=N</c> that version only; 412 otherwise) and <c>generation=N</c> reads.
/// Buckets exist on first use. The client reaches it as the library's emulator (<see cref="EmulatorHost"/> in
/// STORAGE_EMULATOR_HOST) or by <see cref="BaseUri"/> with unauthenticated access. A request outside the subset is
/// answered 501 and kept in <see cref="Unhandled"/>, so a test that strays says where.
/// </summary>
public sealed partial class FakeGcsServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly FakeGcsBucket _objects = new();
    private readonly ConcurrentDictionary<string, UploadSession> _sessions = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _requests = new();
    private readonly ConcurrentQueue<string> _unhandled = new();

    private FakeGcsServer(WebApplication app)
    {
        _app = app;
    }

    /// <summary>host:port, the value of STORAGE_EMULATOR_HOST for a client or process that should use this fake.</summary>
    public string EmulatorHost { get; private set; } = "";

    /// <summary>The JSON API's base, as StorageClientBuilder.BaseUri takes it (…/storage/v1/).</summary>
    public Uri BaseUri => new($"http://{EmulatorHost}/storage/v1/");

    /// <summary>Every request answered, as "METHOD path?query", in order.</summary>
    public IReadOnlyCollection<string> Requests => _requests;

    /// <summary>Requests outside the fake's subset (answered 501).</summary>
    public IReadOnlyCollection<string> Unhandled => _unhandled;

    public static async Task<FakeGcsServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k => k.Limits.MaxRequestBodySize = null);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var server = new FakeGcsServer(app);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First());
        server.EmulatorHost = $"{address.Host}:{address.Port}";
        return server;
    }

    private volatile TaskCompletionSource _mediaGate = Open();

    /// <summary>Holds every media read (object content) until <see cref="ResumeMedia"/>: a slow bucket, to see what a client does meanwhile.</summary>
    public void PauseMedia() => _mediaGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Lets held and later media reads through.</summary>
    public void ResumeMedia() => _mediaGate.TrySetResult();

    /// <summary>How many media reads are waiting at the gate or went through it.</summary>
    public int MediaReads => _mediaReads;

    private int _mediaReads;

    private static TaskCompletionSource Open()
    {
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        open.SetResult();
        return open;
    }

    /// <summary>Puts an object directly (a test's fixture data), as if uploaded.</summary>
    public void Put(string bucket, string name, byte[] content) => _objects.Put(bucket, name, content, null);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        try
        {
            await DispatchAsync(context);
        }
        catch (Exception error) when (!context.Response.HasStarted)
        {
            // A fault of the fake itself: told to the client (the library puts the message in its exception) and kept.
            _unhandled.Enqueue($"{context.Request.Method} {context.Request.Path}: {error}");
            await ErrorAsync(context, 500, "backendError", $"The fake failed: {error.Message}");
        }
    }

    private async Task DispatchAsync(HttpContext context)
    {
        var target = context.Features.GetRequiredFeature<IHttpRequestFeature>().RawTarget;
        var question = target.IndexOf('?', StringComparison.Ordinal);
        var path = question < 0 ? target : target[..question];
        var query = QueryHelpers.ParseQuery(question < 0 ? "" : target[question..]);
        var method = context.Request.Method;
        _requests.Enqueue($"{method} {target}");

        // The library builds upload URIs from the service root ("/upload/storage/v1/…") and the rest from BaseUri, which
        // is …/storage/v1/ when given, and the bare host under STORAGE_EMULATOR_HOST: all are matched.
        if (UploadPath().Match(path) is { Success: true } upload)
        {
            var bucket = Uri.UnescapeDataString(upload.Groups[1].Value);
            await ((method, Text(query, "uploadType"), Text(query, "upload_id")) switch
            {
                ("POST", "resumable", null) => StartResumableAsync(context, bucket, query),
                (_, _, { } id) => ContinueResumableAsync(context, id),
                ("POST", "multipart", null) => MultipartAsync(context, bucket, query),
                ("POST", "media", null) => CreateAsync(context, bucket, Text(query, "name") ?? "", await BodyAsync(context.Request), query),
                _ => UnhandledAsync(context, target),
            });
            return;
        }

        if (ObjectsPath().Match(path) is { Success: true } objects)
        {
            var bucket = Uri.UnescapeDataString(objects.Groups[2].Value);
            var name = objects.Groups[3].Success ? Uri.UnescapeDataString(objects.Groups[3].Value) : null;
            var media = objects.Groups[1].Success || Text(query, "alt") == "media";
            await ((method, name) switch
            {
                ("GET", null) => ListAsync(context, bucket, query),
                ("GET", { } n) when media => MediaAsync(context, bucket, n, query),
                ("GET", { } n) => MetadataAsync(context, bucket, n, query),
                ("DELETE", { } n) => DeleteAsync(context, bucket, n, query),
                _ => UnhandledAsync(context, target),
            });
            return;
        }

        await UnhandledAsync(context, target);
    }

    private Task UnhandledAsync(HttpContext context, string target)
    {
        _unhandled.Enqueue($"{context.Request.Method} {target}");
        return ErrorAsync(context, 501, "notImplemented", $"The fake does not implement {context.Request.Method} {target}.");
    }

    private Task MetadataAsync(HttpContext context, string bucket, string name, Dictionary<string, Microsoft.Extensions.Primitives.StringValues> query) =>
        Readable(bucket, name, query) switch
        {
            (null, var status, var reason, var message) => ErrorAsync(context, status, reason, message),
            var (found, _, _, _) => JsonAsync(context, 200, ObjectJson(found!)),
        };

    private async Task MediaAsync(HttpContext context, string bucket, string name, Dictionary<string, Microsoft.Extensions.Primitives.StringValues> query)
    {
        Interlocked.Increment(ref _mediaReads);
        await _mediaGate.Task.WaitAsync(context.RequestAborted);
        var (found, status, reason, message) = Readable(bucket, name, query);
        if (found is null)
        {
            await ErrorAsync(context, status, reason, message);
            return;
        }

        var (from, to) = (0L, found.Content.LongLength - 1);
        var response = context.Response;
        response.ContentType = "application/octet-stream";
        response.Headers["x-goog-generation"] = found.Generation.ToString(CultureInfo.InvariantCulture);
        if (found.Content.Length > 0 && RangeHeaderValue.TryParse(context.Request.Headers.Range.ToString(), out var range) && range.Ranges.Count == 1)
        {
            var asked = range.Ranges.First();
            from = asked.From ?? Math.Max(0, found.Content.Length - asked.To!.Value);
            to = asked.From is null ? found.Content.Length - 1 : Math.Min(asked.To ?? long.MaxValue, found.Content.Length - 1);
            if (from >= found.Content.Length)
            {
                response.Headers.ContentRange = $"bytes */{found.Content.Length}";
                await ErrorAsync(context, 416, "requestedRangeNotSatisfiable", "The requested range is not satisfiable.");
                return;
            }

            response.StatusCode = 206;
            response.Headers.ContentRange = $"bytes {from}-{to}/{found.Content.Length}";
        }
        else
        {
            // The whole object: its MD5 lets the client check what it read, as the service's x-goog-hash does.
            response.Headers["x-goog-hash"] = $"md5={found.Md5}";
        }

        response.ContentLength = to - from + 1;
        await response.Body.WriteAsync(found.Content.AsMemory((int)from, (int)(to - from + 1)));
    }

    /// <summary>The object a read names (its generation=, its ifGenerationMatch=), or null with the 404 / 412 to answer.</summary>
    private (FakeGcsObject? Found, int Status, string Reason, string Message) Readable(string bucket, string name, Dictionary<string, Microsoft.Extensions.Primitives.StringValues> query)
    {
        var found = _objects.Get(bucket, name);
        if (found is null || (Number(query, "generation") is { } generation && generation != found.Generation))
        {
            return (null, 404, "notFound", $"No such object: {bucket}/{name}");
        }

        return Number(query, "ifGenerationMatch") is { } match && match != found.Generation
            ? (null, 412, "conditionNotMet", "At least one of the pre-conditions you specified did not hold.")
            : (found, 200, "", "");
    }

    private Task ListAsync(HttpContext context, string bucket, Dictionary<string, Microsoft.Extensions.Primitives.StringValues> query)
    {
        var max = (int)(Number(query, "maxResults") ?? 1000);
        var after = Text(query, "pageToken") is { } token ? System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(token)) : null;
        var page = _objects.List(bucket, Text(query, "prefix") ?? "", after, max + 1);
        var answer = new Dictionary<string, object> { ["kind"] = "storage#objects" };
        var items = page.Take(max).Select(ObjectJson).ToArray();
        if (items.Length > 0)
        {
            answer["items"] = items;
        }

        if (page.Count > max)
        {
            answer["nextPageToken"] = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(page[max - 1].Name));
        }

        return JsonAsync(context, 200, answer);
    }

    private Task DeleteAsync(HttpContext context, string bucket, string name, Dictionary<string, Microsoft.Extensions.Primitives.StringValues> query)
    {
        switch (_objects.Delete(bucket, name, Number(query, "ifGenerationMatch")))
        {
            case true:
                context.Response.StatusCode = 204;
                return Task.CompletedTask;
            case false:
                return ErrorAsync(context, 404, "notFound", $"No such object: {bucket}/{name}");
            default:
                return ErrorAsync(context, 412, "conditionNotMet", "At least one of the pre-conditions you specified did not hold.");
        }
    }

    private async Task StartResumableAsync(HttpContext context, string bucket, Dictionary<string, Microsoft.Extensions.Primitives.StringValues> query)
    {
        var name = Text(query, "name");
        var metadata = await BodyAsync(context.Request);
        if (metadata.Length > 0)
        {
            using var json = JsonDocument.Parse(metadata);
            if (json.RootElement.TryGetProperty("name", out var n))
            {
                name = n.GetString();
            }
        }

        if (string.IsNullOrEmpty(name))
        {
            await ErrorAsync(context, 400, "required", "Required: the object's name.");
            return;
        }

        var ifGenerationMatch = Number(query, "ifGenerationMatch");
        if (!_objects.Holds(bucket, name, ifGenerationMatch))
        {
            await ErrorAsync(context, 412, "conditionNotMet", "At least one of the pre-conditions you specified did not hold.");
            return;
        }

        var id = Guid.NewGuid().ToString("N");
        _sessions[id] = new UploadSession(bucket, name, ifGenerationMatch);
        var self = $"{context.Request.Scheme}://{context.Request.Host}{context.Request.Path}";
        context.Response.Headers.Location = $"{self}?uploadType=resumable&upload_id={id}";
        context.Response.StatusCode = 200;
    }

    private async Task ContinueResumableAsync(HttpContext context, string id)
    {
        if (!_sessions.TryGetValue(id, out var session))
        {
            await ErrorAsync(context, 404, "notFound", $"No upload session {id}.");
            return;
        }

        var chunk = await BodyAsync(context.Request);
        // Content-Range: "bytes a-b/total", "bytes a-b/*" (more to come), "bytes */total" (finish), "bytes */*" (ask where).
        var contentRange = ContentRange().Match(context.Request.Headers.ContentRange.ToString());
        if (!contentRange.Success)
        {
            await ErrorAsync(context, 400, "invalid", $"Content-Range '{context.Request.Headers.ContentRange}' is not one the resumable protocol sends.");
            return;
        }

        if (contentRange.Groups[1].Success)
        {
            var from = long.Parse(contentRange.Groups[1].Value, CultureInfo.InvariantCulture);
            lock (session)
            {
                session.Content.SetLength(Math.Min(session.Content.Length, from));
                session.Content.Position = session.Content.Length;
                session.Content.Write(chunk);
            }
        }

        long? total = contentRange.Groups[3].Value == "*" ? null : long.Parse(contentRange.Groups[3].Value, CultureInfo.InvariantCulture);
        if (total is null || session.Content.Length < total)
        {
            if (session.Content.Length > 0)
            {
                context.Response.Headers["Range"] = $"bytes=0-{session.Content.Length - 1}";
            }

            context.Response.StatusCode = 308;
            return;
        }

        _sessions.TryRemove(id, out _);
        await CommitAsync(context, session.Bucket, session.Name, session.Content.ToArray(), session.IfGenerationMatch);
    }

    private async Task MultipartAsync(HttpContext context, string bucket, Dictionary<string, Microsoft.Extensions.Primitives.StringValues> query)
    {
        // multipart/related: the object's JSON metadata, then its bytes.
        var boundary = HeaderUtilities.RemoveQuotes(MediaTypeHeaderValue.Parse(context.Request.ContentType).Boundary).Value!;
        var reader = new MultipartReader(boundary, context.Request.Body);
        var metadata = await reader.ReadNextSectionAsync();
        var media = await reader.ReadNextSectionAsync();
        if (metadata is null || media is null)
        {
            await ErrorAsync(context, 400, "invalid", "A multipart upload needs a metadata part and a media part.");
            return;
        }

        using var json = await JsonDocument.ParseAsync(metadata.Body);
        var name = json.RootElement.TryGetProperty("name", out var n) ? n.GetString() : Text(query, "name");
        using var content = new MemoryStream();
        await media.Body.CopyToAsync(content);
        await CreateAsync(context, bucket, name ?? "", content.ToArray(), query);
    }

    private Task CreateAsync(HttpContext context, string bucket, string name, byte[] content, Dictionary<string, Microsoft.Extensions.Primitives.StringValues> query) =>
        name.Length == 0 ? ErrorAsync(context, 400, "required", "Required: the object's name.") : CommitAsync(context, bucket, name, content, Number(query, "ifGenerationMatch"));

    private Task CommitAsync(HttpContext context, string bucket, string name, byte[] content, long? ifGenerationMatch) =>
        _objects.Put(bucket, name, content, ifGenerationMatch) is { } written
            ? JsonAsync(context, 200, ObjectJson(written))
            : ErrorAsync(context, 412, "conditionNotMet", "At least one of the pre-conditions you specified did not hold.");

    private Dictionary<string, object> ObjectJson(FakeGcsObject o)
    {
        var generation = o.Generation.ToString(CultureInfo.InvariantCulture);
        var updated = o.Updated.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        return new Dictionary<string, object>
        {
            ["kind"] = "storage#object",
            ["id"] = $"{o.Bucket}/{o.Name}/{generation}",
            ["name"] = o.Name,
            ["bucket"] = o.Bucket,
            // int64 fields are JSON strings in this API.
            ["generation"] = generation,
            ["metageneration"] = "1",
            ["contentType"] = "application/octet-stream",
            ["size"] = o.Content.LongLength.ToString(CultureInfo.InvariantCulture),
            ["md5Hash"] = o.Md5,
            ["timeCreated"] = updated,
            ["updated"] = updated,
            ["etag"] = Convert.ToBase64String(BitConverter.GetBytes(o.Generation)),
            ["mediaLink"] = $"http://{EmulatorHost}/download/storage/v1/b/{Uri.EscapeDataString(o.Bucket)}/o/{Uri.EscapeDataString(o.Name)}?generation={generation}&alt=media",
        };
    }

    private static Task ErrorAsync(HttpContext context, int status, string reason, string message) => JsonAsync(context, status, new
    {
        error = new { code = status, message, errors = new[] { new { message, domain = "global", reason } } },
    });

    private static async Task JsonAsync(HttpContext context, int status, object body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=UTF-8";
        await context.Response.WriteAsync(JsonSerializer.Serialize(body));
    }

    private static async Task<byte[]> BodyAsync(HttpRequest request)
    {
        // The library gzips JSON request bodies (GZipEnabled, its default), as the service accepts.
        await using var body = request.Headers.ContentEncoding == "gzip" ? new System.IO.Compression.GZipStream(request.Body, System.IO.Compression.CompressionMode.Decompress) : request.Body;
        using var content = new MemoryStream();
        await body.CopyToAsync(content);
        return content.ToArray();
    }

    private static string? Text(Dictionary<string, Microsoft.Extensions.Primitives.StringValues> query, string key) =>
        query.TryGetValue(key, out var value) ? value.ToString() : null;

    private static long? Number(Dictionary<string, Microsoft.Extensions.Primitives.StringValues> query, string key) =>
        Text(query, key) is { } text ? long.Parse(text, CultureInfo.InvariantCulture) : null;

    [GeneratedRegex("^(?:.*)/upload/(?:storage/v1/)?b/([^/]+)/o$")]
    private static partial Regex UploadPath();

    [GeneratedRegex("^(?:.*?)/(download/)?(?:storage/v1/)?b/([^/]+)/o(?:/(.+))?$")]
    private static partial Regex ObjectsPath();

    [GeneratedRegex(@"^bytes (?:(\d+)-(\d+)|\*)/(\d+|\*)$")]
    private static partial Regex ContentRange();

    private sealed record UploadSession(string Bucket, string Name, long? IfGenerationMatch)
    {
        public MemoryStream Content { get; } = new();
    }
}
