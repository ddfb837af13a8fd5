using Grpc.Core;

namespace Cloud.Serving.Grpc;

/// <summary>
/// gRPC's one error shape: a status code and its message. Serving decides failures as HTTP statuses (one place,
/// <see cref="Http.ErrorResponses"/>); this maps each to the code TF Serving's table pairs with it, so a failure means
/// the same on both transports and the per-version counters keep one status vocabulary.
/// </summary>
internal static class GrpcStatuses
{
    public static StatusCode For(int httpStatus) => httpStatus switch
    {
        400 => StatusCode.InvalidArgument,
        401 => StatusCode.Unauthenticated,
        403 => StatusCode.PermissionDenied,
        404 => StatusCode.NotFound,
        409 => StatusCode.Aborted,
        // Too large for a batch or for the body limit: gRPC's own code for a message over its limit.
        413 => StatusCode.ResourceExhausted,
        // A full batching queue or a version still loading: retry later, which UNAVAILABLE tells gRPC's retry policies.
        429 or 503 => StatusCode.Unavailable,
        499 => StatusCode.Cancelled,
        501 => StatusCode.Unimplemented,
        504 => StatusCode.DeadlineExceeded,
        _ => StatusCode.Internal,
    };

    public static RpcException Exception(int httpStatus, string message, TimeSpan? retryAfter = null)
    {
        var trailers = new Metadata();
        if (retryAfter is { } wait)
        {
            // HTTP's Retry-After in seconds, so a client that handles one handles both.
            trailers.Add("retry-after", Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return new RpcException(new Status(For(httpStatus), message), trailers, message);
    }
}
