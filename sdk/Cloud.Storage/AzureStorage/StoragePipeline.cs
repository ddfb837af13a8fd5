using Azure.Core;
using Azure.Core.Pipeline;

namespace Cloud.Storage.AzureStorage;

/// <summary>
/// Builds the HTTP pipeline both clients share: the client's options (retries, transport, diagnostics), the REST
/// version, and one way to authenticate — Shared Key, a SAS token, or an Entra ID token.
/// </summary>
internal static class StoragePipeline
{
    /// <summary>The one scope Azure Storage accepts tokens for, for blobs and tables alike.</summary>
    public const string TokenScope = "https://storage.azure.com/.default";

    public static HttpPipeline WithConnectionString(ClientOptions options, string serviceVersion, StorageConnectionString connection, Func<StorageSharedKey, HttpPipelinePolicy> signer) =>
        connection.SharedKey is { } key
            ? Build(options, serviceVersion, perCall: [], perRetry: [signer(key)])
            : Build(options, serviceVersion, perCall: [new StorageSasPolicy(connection.SharedAccessSignature!)], perRetry: []);

    public static HttpPipeline WithToken(ClientOptions options, string serviceVersion, TokenCredential credential) =>
        Build(options, serviceVersion, perCall: [], perRetry: [new BearerTokenAuthenticationPolicy(credential, TokenScope)]);

    private static HttpPipeline Build(ClientOptions options, string serviceVersion, HttpPipelinePolicy[] perCall, HttpPipelinePolicy[] perRetry)
    {
        var pipelineOptions = new HttpPipelineOptions(options) { RequestFailedDetailsParser = StorageErrorParser.Instance };
        pipelineOptions.PerCallPolicies.Add(new StorageVersionPolicy(serviceVersion));
        foreach (var policy in perCall)
        {
            pipelineOptions.PerCallPolicies.Add(policy);
        }

        // Signing runs per retry: each attempt needs its own x-ms-date (and a token that may have been refreshed).
        foreach (var policy in perRetry)
        {
            pipelineOptions.PerRetryPolicies.Add(policy);
        }

        return HttpPipelineBuilder.Build(pipelineOptions);
    }
}
