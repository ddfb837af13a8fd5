using System.Text.Json;
using Cloud.Host.Tests.Http;

namespace Cloud.Host.Tests.Hostile;

/// <summary>
/// Requests only a real server sees as sent (Kestrel, over a socket): a request line or headers over Kestrel's limits,
/// NUL in the path, literal dot segments, a badly chunked body. What Kestrel refuses while
/// parsing the request (414, 431, 400 for a malformed request) never reaches the host's code and keeps Kestrel's
/// empty body (docs/api.md says so); everything that reaches the host is answered in its error shape.
/// </summary>
public sealed class FramingTests : IAsyncLifetime
{
    private ServingHost _host = null!;

    public async Task InitializeAsync() => _host = await ServingHost.StartOverLoopbackAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private Uri Server => _host.Client.BaseAddress!;

    public static TheoryData<string, int> RefusedByKestrel => new()
    {
        { "GET /api/models/" + new string('a', 9_000) + " HTTP/1.1", 414 },
        { "GET /api/models HTTP/1.1\r\nX-Big: " + new string('x', 40_000), 431 },
        { "GET /api/models/a%00b HTTP/1.1", 400 },
        { "G@T /api/models HTTP/1.1", 400 },
        { "GET /api/models HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6", 400 },
    };

    [Theory]
    [MemberData(nameof(RefusedByKestrel))]
    public async Task WhatKestrelRefusesWhileParsingKeepsItsEmptyBody(string head, int status)
    {
        var (answered, body) = await RawHttp.SendAsync(Server, head);

        Assert.Equal((status, ""), (answered, body));
    }

    public static TheoryData<string, string, int, string> AnsweredByTheHost => new()
    {
        { "GET /api/models/a%2Fb HTTP/1.1", "", 400, "Model name 'a%2Fb' is not valid: it contains '%'. Use 1 to 63 lowercase letters, digits or '-', starting with a letter." },
        { "PUT /api/models/iris/versions/9.0.0/files/" + new string('a', 300) + " HTTP/1.1\r\nContent-Length: 1", "x", 400, "File name '" + new string('a', 64) + "…' is not valid: it is 300 bytes long in UTF-8 and the limit is 255. Name a file directly inside the model folder, such as \"model.onnx\"." },
        { "PUT /api/models/iris/labels/hostile-chunks HTTP/1.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked", "zz\r\n{}\r\n0\r\n\r\n", 400, "The request body could not be read: its framing is malformed or it ended early." },
        { "GET /nope/../../api/nothing HTTP/1.1", "", 404, "No route matches GET '/api/nothing'." },
        // Encoded dots are decoded before dot segments are resolved, so this is /status: still inside the routes.
        { "GET /api/models/%2E%2E/../status HTTP/1.1", "", 404, "No route matches GET '/status'." },
    };

    [Theory]
    [MemberData(nameof(AnsweredByTheHost))]
    public async Task WhatReachesTheHostIsAnsweredInItsErrorShape(string head, string body, int status, string message)
    {
        var (answered, answer) = await RawHttp.SendAsync(Server, head, body);

        Assert.Equal(status, answered);
        Assert.Equal(message, JsonDocument.Parse(answer).RootElement.GetProperty("error").GetString());
    }

    [Theory]
    [InlineData("GET /api/models/iris/../../status HTTP/1.1")]
    public async Task LiteralDotSegmentsAreResolvedBeforeRoutingAndStayInsideTheRoutes(string head)
    {
        var (status, body) = await RawHttp.SendAsync(Server, head);

        Assert.Equal(200, status);
        Assert.Contains("\"loaded\"", body, StringComparison.Ordinal); // /api/status
    }
}
