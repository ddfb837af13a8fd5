using Cloud.Serving.Management;

namespace Cloud.Serving.Dashboard;

/// <summary>
/// The dashboard at <c>/ui</c> (docs/dashboard.md): static pages that read and change everything through the
/// management API, from the browser, with the admin key the operator types in. The pages themselves hold no data and
/// no secret, so they are served without the key; every number they show comes from <c>/api</c>, which asks for it.
/// </summary>
internal static class DashboardEndpoints
{
    public const string Path = "/ui";

    // The pages load nothing from elsewhere (clusters often have no internet); uPlot sets style attributes on the
    // elements it draws, hence the inline styles.
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder app)
    {
        // "/ui/{**file}" matches /ui as well as /ui/ (routing ignores a trailing slash).
        app.MapMethods(Path + "/{**file}", [HttpMethods.Get, HttpMethods.Head], Serve);
        return app;
    }

    private static IResult Serve(string? file, HttpContext context, DashboardFiles files)
    {
        // Relative links in the pages resolve against /ui/, never /.
        if (string.IsNullOrEmpty(file) && !context.Request.Path.Value!.EndsWith('/'))
        {
            return Results.Redirect(context.Request.PathBase + Path + "/" + context.Request.QueryString, permanent: false);
        }

        if (files.Find(string.IsNullOrEmpty(file) ? "index.html" : file) is not { } found)
        {
            return ManagementErrors.Result(StatusCodes.Status404NotFound, $"The dashboard has no file '{file}'.");
        }

        var headers = context.Response.Headers;
        headers.ETag = found.ETag;
        // Ours are checked on every load (a 304 costs a round trip), so an upgraded host never runs yesterday's script.
        headers.CacheControl = found.Immutable ? "public, max-age=31536000, immutable" : "no-cache";
        headers.XContentTypeOptions = "nosniff";
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers["Referrer-Policy"] = "no-referrer";
        if (context.Request.Headers.IfNoneMatch.Any(tag => tag == found.ETag))
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }

        // HEAD: the server sends the headers of this answer and drops its body.
        return Results.Bytes(found.Content, found.ContentType);
    }
}
