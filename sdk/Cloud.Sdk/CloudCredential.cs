using System.Net.Http.Headers;
using Azure.Core;
using Google.Apis.Auth.OAuth2;

namespace Cloud.Sdk;

/// <summary>
/// How a client proves who it is: applied to every request it sends (each retry included, so a token that expired
/// while a request waited is fetched again). Create one with the static factories.
/// </summary>
public abstract class CloudCredential
{
    /// <summary>The header that carries the management API's admin key.</summary>
    public const string AdminKeyHeader = "X-Cloud-Admin-Key";

    /// <summary>The header that carries an Azure Functions function key.</summary>
    public const string FunctionKeyHeader = "x-functions-key";

    /// <summary>No credential: the local host without an admin key answers loopback callers.</summary>
    public static CloudCredential None { get; } = new HeaderCredential([]);

    /// <summary>The management API's admin key (<c>Cloud:Management:AdminKey</c>), sent as <c>X-Cloud-Admin-Key</c>.</summary>
    /// <param name="adminKey">The key.</param>
    public static CloudCredential AdminKey(string adminKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(adminKey);
        return new HeaderCredential([(AdminKeyHeader, adminKey)]);
    }

    /// <summary>
    /// An Azure Functions function key (<c>x-functions-key</c>), plus the admin key for the management routes when given:
    /// the Functions app checks the first, our management API the second.
    /// </summary>
    /// <param name="functionKey">The function (or host) key.</param>
    /// <param name="adminKey">The management API's admin key, or null for prediction only.</param>
    public static CloudCredential FunctionKey(string functionKey, string? adminKey = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(functionKey);
        return new HeaderCredential(adminKey is null ? [(FunctionKeyHeader, functionKey)] : [(FunctionKeyHeader, functionKey), (AdminKeyHeader, adminKey)]);
    }

    /// <summary>An Entra ID token from any Azure.Identity credential (<c>DefaultAzureCredential</c>, a managed identity), sent as a bearer token.</summary>
    /// <param name="credential">The credential.</param>
    /// <param name="scope">The scope to ask for, such as <c>api://{app-id}/.default</c> for an App Service authentication app registration.</param>
    public static CloudCredential EntraId(TokenCredential credential, string scope)
    {
        ArgumentNullException.ThrowIfNull(credential);
        ArgumentException.ThrowIfNullOrEmpty(scope);
        return new EntraIdCredential(credential, scope);
    }

    /// <summary>A Google OAuth access token (Vertex AI's predict route), from <c>GoogleCredential.GetApplicationDefaultAsync()</c> or any <see cref="ICredential"/>.</summary>
    /// <param name="credential">The credential; scoped to <c>https://www.googleapis.com/auth/cloud-platform</c> when it needs a scope.</param>
    public static CloudCredential Google(GoogleCredential credential)
    {
        ArgumentNullException.ThrowIfNull(credential);
        var scoped = credential.IsCreateScopedRequired ? credential.CreateScoped("https://www.googleapis.com/auth/cloud-platform") : credential;
        return new GoogleOAuthCredential(scoped);
    }

    /// <summary>Sets what this credential adds to a request.</summary>
    /// <param name="request">The request about to be sent.</param>
    /// <param name="cancellationToken">Cancels fetching a token.</param>
    /// <returns>A task that completes when the request carries the credential.</returns>
    public abstract ValueTask ApplyAsync(HttpRequestMessage request, CancellationToken cancellationToken);

    private sealed class HeaderCredential((string Name, string Value)[] headers) : CloudCredential
    {
        public override ValueTask ApplyAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            ArgumentNullException.ThrowIfNull(request);
            foreach (var (name, value) in headers)
            {
                request.Headers.Remove(name);
                request.Headers.TryAddWithoutValidation(name, value);
            }

            return ValueTask.CompletedTask;
        }
    }

    private sealed class EntraIdCredential(TokenCredential credential, string scope) : CloudCredential
    {
        public override async ValueTask ApplyAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            ArgumentNullException.ThrowIfNull(request);
            // Azure.Identity caches tokens and refreshes them before they expire, so asking per request is cheap.
            var token = await credential.GetTokenAsync(new TokenRequestContext([scope]), cancellationToken).ConfigureAwait(false);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Token);
        }
    }

    private sealed class GoogleOAuthCredential(GoogleCredential credential) : CloudCredential
    {
        public override async ValueTask ApplyAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            ArgumentNullException.ThrowIfNull(request);
            // Google.Apis.Auth caches the token and refreshes it shortly before it expires.
            var token = await ((ITokenAccess)credential).GetAccessTokenForRequestAsync(request.RequestUri?.ToString(), cancellationToken).ConfigureAwait(false);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
    }
}
