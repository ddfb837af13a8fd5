namespace Cloud.Serving.Http;

/// <summary>
/// The one error shape as an <see cref="IResult"/>, for minimal-API handlers and endpoint filters: written by
/// <see cref="ErrorResponses.WriteAsync"/> like every protocol error, so the body is the same byte for byte.
/// </summary>
internal sealed class ErrorResult(int status, string message) : IResult, IStatusCodeHttpResult
{
    public int? StatusCode => status;

    public string Message => message;

    public Task ExecuteAsync(HttpContext httpContext) => ErrorResponses.WriteAsync(httpContext, status, message);
}
