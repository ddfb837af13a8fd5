using System.Text.Json;
using Cloud.Registry;
using Cloud.Serving.Management;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.WebUtilities;

namespace Cloud.Serving.Http;

/// <summary>
/// The one error shape for what the host answers before or around our handlers: ASP.NET Core's own refusals
/// (no route 404, wrong method 405, binding's 400 and 415) through status code pages and the exception handler, both
/// writing with <see cref="ErrorResponses"/>. An exception we did not foresee is a 500 in the same shape, with a
/// message that tells the client nothing of the server (the exception handler logs the exception itself).
/// Kestrel's framing refusals (414 request line too long, 431 headers too large, 400 malformed request) happen
/// before the pipeline and keep Kestrel's empty body.
/// </summary>
internal static class ErrorPages
{
    /// <summary>Longest stretch of the request path quoted back: Kestrel allows 8 KB of request line, a message needs less.</summary>
    private const int MaxQuotedPath = 200;

    public const string ServerFailure = "The host failed while answering this request; the failure is in its log. Try again, or report it if it persists.";

    public static IApplicationBuilder UseCloudErrors(this IApplicationBuilder app)
    {
        var json = app.ApplicationServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            ExceptionHandler = context => WriteExceptionAsync(context, json),
            // A registry 404 raised from a handler is an answer, not a missing error page.
            AllowStatusCode404Response = true,
            // The client's mistakes are answered 4xx and need no error log with a stack trace; ours (500) do.
            SuppressDiagnosticsCallback = context => context.Exception is BadHttpRequestException or RegistryException,
        });
        app.UseStatusCodePages(WriteStatusAsync);
        return app;
    }

    private static Task WriteExceptionAsync(HttpContext context, JsonSerializerOptions json)
    {
        var feature = context.Features.Get<IExceptionHandlerFeature>();
        var (status, message) = feature?.Error switch
        {
            BadHttpRequestException bad => BindingErrors.Describe(bad, context, feature.Endpoint, json),
            RegistryException refused => (ManagementErrors.StatusOf(refused), refused.Message),
            _ => (StatusCodes.Status500InternalServerError, ServerFailure),
        };
        return ErrorResponses.WriteAsync(context, status, message);
    }

    /// <summary>A 4xx or 5xx that left its body empty: routing's 404, 405 and 415 (a Content-Type the route does not accept), or a handler's bare status.</summary>
    private static Task WriteStatusAsync(StatusCodeContext status)
    {
        var context = status.HttpContext;
        var request = context.Request;
        var code = context.Response.StatusCode;
        var path = QuotedPath(request);
        var message = code switch
        {
            StatusCodes.Status404NotFound => $"No route matches {request.Method} {path}.",
            StatusCodes.Status405MethodNotAllowed => $"{request.Method} is not allowed on {path}; it answers {AllowedMethods(context)}.",
            StatusCodes.Status415UnsupportedMediaType => BindingErrors.NotJson(request),
            // Minimal APIs answer a body Kestrel could not read (a bad chunk, a body that ended early) with the status
            // alone and keep Kestrel's reason to themselves; this is the only bare 400 the host gives.
            StatusCodes.Status400BadRequest => "The request body could not be read: its framing is malformed or it ended early.",
            _ => (ReasonPhrases.GetReasonPhrase(code) is { Length: > 0 } phrase ? phrase : $"HTTP {code}") + ".",
        };
        return ErrorResponses.WriteAsync(context, code, message);
    }

    private static string AllowedMethods(HttpContext context) =>
        context.Response.Headers.Allow.ToString() is { Length: > 0 } allow ? allow : "other methods";

    private static string QuotedPath(HttpRequest request)
    {
        var path = request.PathBase.Add(request.Path).Value ?? "/";
        return $"'{(path.Length <= MaxQuotedPath ? path : path[..MaxQuotedPath] + "…")}'";
    }
}
