using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace Cloud.Serving.Management;

/// <summary>
/// Guards the management API. With an admin key configured, every call must carry it (X-Cloud-Admin-Key, or
/// Authorization: Bearer). Without one, only loopback callers are served: a host reachable from elsewhere never
/// exposes label moves and uploads to anyone who can reach it.
/// </summary>
internal sealed class AdminKeyFilter(ManagementOptions options) : IEndpointFilter
{
    public const string Header = "X-Cloud-Admin-Key";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (options.AdminKey is { Length: > 0 } key)
        {
            var given = http.Request.Headers[Header].FirstOrDefault()
                ?? (http.Request.Headers.Authorization.FirstOrDefault() is { } auth && auth.StartsWith("Bearer ", StringComparison.Ordinal) ? auth[7..] : null);
            if (given is null || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(key)))
            {
                return ManagementErrors.Result(StatusCodes.Status401Unauthorized, $"The management API needs the admin key (header {Header}).");
            }
        }
        else if (http.Connection.RemoteIpAddress is { } remote && !IPAddress.IsLoopback(remote))
        {
            return ManagementErrors.Result(StatusCodes.Status403Forbidden,
                "The management API answers only local callers when no admin key is configured (set Cloud:Management:AdminKey).");
        }

        return await next(context).ConfigureAwait(false);
    }
}
