using Azure.Core;
using Azure.Core.Pipeline;

namespace Cloud.Storage.AzureStorage;

/// <summary>
/// Appends a shared access signature to every request's query. Added per call (before retries) so a retried request
/// does not carry the token twice.
/// </summary>
internal sealed class StorageSasPolicy : HttpPipelineSynchronousPolicy
{
    private readonly (string Name, string Value)[] _parameters;

    /// <param name="sharedAccessSignature">The token as a connection string carries it: already URL-encoded, no leading '?'.</param>
    public StorageSasPolicy(string sharedAccessSignature)
    {
        _parameters = sharedAccessSignature.TrimStart('?')
            .Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .Select(parts => (parts[0], parts.Length > 1 ? parts[1] : ""))
            .ToArray();
    }

    public override void OnSendingRequest(HttpMessage message)
    {
        foreach (var (name, value) in _parameters)
        {
            message.Request.Uri.AppendQuery(name, value, escapeValue: false);
        }
    }
}
