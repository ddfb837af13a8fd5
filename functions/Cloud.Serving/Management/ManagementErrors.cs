using Cloud.Registry;
using Cloud.Serving.Http;

namespace Cloud.Serving.Management;

/// <summary>The management API's errors: the host's one error shape, {"error": "..."}, with the status that fits.</summary>
internal static class ManagementErrors
{
    public static IResult Result(int status, string message) => new ErrorResult(status, message);

    public static IResult From(RegistryException error) => Result(StatusOf(error), error.Message);

    public static int StatusOf(RegistryException error) => error.Error switch
    {
        RegistryError.NotFound => StatusCodes.Status404NotFound,
        RegistryError.RuleViolation => StatusCodes.Status409Conflict,
        RegistryError.Stale => StatusCodes.Status412PreconditionFailed,
        _ => StatusCodes.Status400BadRequest,
    };
}
