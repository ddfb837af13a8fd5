using Cloud.Registry;

namespace Cloud.Serving.Management;

/// <summary>The management API's one error shape: {"error": "..."} with the status that fits.</summary>
internal static class ManagementErrors
{
    public static IResult Result(int status, string message) => TypedResults.Json(new ErrorBody(message), statusCode: status);

    public static IResult From(RegistryException error) => Result(error.Error switch
    {
        RegistryError.NotFound => StatusCodes.Status404NotFound,
        RegistryError.RuleViolation => StatusCodes.Status409Conflict,
        RegistryError.Stale => StatusCodes.Status412PreconditionFailed,
        _ => StatusCodes.Status400BadRequest,
    }, error.Message);

    internal sealed record ErrorBody(string Error);
}
