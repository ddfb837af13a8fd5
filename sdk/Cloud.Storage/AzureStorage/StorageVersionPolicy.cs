using Azure.Core;
using Azure.Core.Pipeline;

namespace Cloud.Storage.AzureStorage;

/// <summary>Stamps the REST API version (x-ms-version) the client was written against on every request.</summary>
internal sealed class StorageVersionPolicy(string serviceVersion) : HttpPipelineSynchronousPolicy
{
    public override void OnSendingRequest(HttpMessage message) => message.Request.Headers.SetValue("x-ms-version", serviceVersion);
}
