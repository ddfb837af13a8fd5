namespace Cloud.Host.Tests.Hostile;

/// <summary>
/// What ASP.NET Core answers itself, in the host's one error shape: a path no route matches (404), a method the route
/// does not take (405, naming the ones it does), and a body that is not JSON where a route binds JSON (415).
/// </summary>
[Collection(HostileSuite.Name)]
public sealed class RoutingTests(HostileHost host)
{
    private const string Json = "application/json";

    public static TheoryData<string, string, int, string> Paths => new()
    {
        { "GET", "/nope", 404, "No route matches GET '/nope'." },
        { "GET", "/v3/models/iris", 404, "No route matches GET '/v3/models/iris'." },
        { "GET", "/api", 404, "No route matches GET '/api'." },
        { "GET", "/v2/models", 404, "No route matches GET '/v2/models'." },
        { "GET", "/api/models/iris/versions", 404, "No route matches GET '/api/models/iris/versions'." },
        { "GET", "/api/models/iris/labels", 404, "No route matches GET '/api/models/iris/labels'." },
        { "GET", "/v1/models/iris/versions/1.0.0/labels/stable", 404, "No route matches GET '/v1/models/iris/versions/1.0.0/labels/stable'." },
        { "POST", "/v2/models/iris/labels/stable/infer", 404, "No route matches POST '/v2/models/iris/labels/stable/infer'." },
        { "GET", "/favicon.ico", 404, "No route matches GET '/favicon.ico'." },
        { "GET", "/" + new string('x', 300), 404, $"No route matches GET '/{new string('x', 199)}…'." },
        { "POST", "/v2/health/live", 405, "POST is not allowed on '/v2/health/live'; it answers GET." },
        { "DELETE", "/v2", 405, "DELETE is not allowed on '/v2'; it answers GET." },
        { "PUT", "/api/models", 405, "PUT is not allowed on '/api/models'; it answers GET." },
        { "DELETE", "/api/models/iris", 405, "DELETE is not allowed on '/api/models/iris'; it answers GET." },
        { "PATCH", "/api/models/iris/policy", 405, "PATCH is not allowed on '/api/models/iris/policy'; it answers PUT." },
        { "GET", "/api/models/iris/labels/stable", 405, "GET is not allowed on '/api/models/iris/labels/stable'; it answers DELETE, PUT." },
        { "GET", "/api/models/iris/versions/1.0.0/retire", 405, "GET is not allowed on '/api/models/iris/versions/1.0.0/retire'; it answers POST." },
        { "GET", "/api/models/iris/versions/1.0.0/files/model.onnx", 405, "GET is not allowed on '/api/models/iris/versions/1.0.0/files/model.onnx'; it answers PUT." },
        { "PUT", "/v2/models/iris/infer", 405, "PUT is not allowed on '/v2/models/iris/infer'; it answers POST." },
        // Routing keeps the POST route "{model}:predict" for this path until it matches the segment, so: no route, not 405.
        { "POST", "/v1/models/iris", 404, "No route matches POST '/v1/models/iris'." },
        { "OPTIONS", "/api/status", 405, "OPTIONS is not allowed on '/api/status'; it answers GET." },
        { "TRACE", "/api/models", 405, "TRACE is not allowed on '/api/models'; it answers GET." },
        // TF Serving's "{model}:predict" is one segment: a GET reaches the status route with the whole segment as the name.
        { "GET", "/v1/models/iris:predict", 400, "Model name 'iris:predict' is not valid: it contains ':'. Use 1 to 63 lowercase letters, digits or '-', starting with a letter." },
    };

    public static TheoryData<string, string, string, string?, int, string> ContentTypes => new()
    {
        { "PUT", "/api/models/iris/labels/stable", """{"version": "9.9.9"}""", "text/plain", 415, "This route takes a JSON body: send it with Content-Type: application/json; this request says 'text/plain'." },
        { "PUT", "/api/models/iris/policy", """{"requireValidation": false}""", null, 415, "This route takes a JSON body: send it with Content-Type: application/json; this request names none." },
        { "POST", "/api/models/iris/versions/9.9.9/retire", "reason=old", "application/x-www-form-urlencoded", 415, "This route takes a JSON body: send it with Content-Type: application/json; this request says 'application/x-www-form-urlencoded'." },
        { "PUT", "/api/models/iris/labels/stable", """<version>9.9.9</version>""", "application/xml", 415, "This route takes a JSON body: send it with Content-Type: application/json; this request says 'application/xml'." },
        // JSON by another name is JSON: these bind and reach the registry.
        { "PUT", "/api/models/iris/labels/stable", """{"version": "9.9.9"}""", "application/merge-patch+json", 404, "Model 'iris' has no version '9.9.9'." },
        { "PUT", "/api/models/iris/labels/stable", """{"version": "9.9.9"}""", Json + "; charset=utf-8", 404, "Model 'iris' has no version '9.9.9'." },
    };

    [Theory]
    [MemberData(nameof(Paths))]
    public Task ARequestNoRouteTakesIsAnsweredInTheErrorShape(string method, string path, int status, string message) =>
        HostileCase.AssertAnswerAsync(host.Client, method, path, null, status, message);

    [Theory]
    [MemberData(nameof(ContentTypes))]
    public async Task AManagementBodyMustBeJson(string method, string path, string body, string? contentType, int status, string message) =>
        await ErrorShape.AssertAsync(await HostileCase.SendAsync(host.Client, method, path, body, contentType), status, message);
}
