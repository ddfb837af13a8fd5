using System.Globalization;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Cloud.Storage.AzureStorage;

/// <summary>
/// Signs requests with Shared Key; the services differ only in what they sign (<see cref="StringToSign"/>).
/// Runs per retry so every attempt carries a fresh x-ms-date.
/// </summary>
internal abstract class SharedKeyPolicy(StorageSharedKey key) : HttpPipelineSynchronousPolicy
{
    public sealed override void OnSendingRequest(HttpMessage message)
    {
        var request = message.Request;
        request.Headers.SetValue("x-ms-date", DateTimeOffset.UtcNow.ToString("r", CultureInfo.InvariantCulture));
        request.Headers.SetValue("Authorization", $"SharedKey {key.AccountName}:{key.Sign(StringToSign(request, key.AccountName))}");
    }

    /// <summary>The service's string-to-sign for a request, with its x-ms-date already set.</summary>
    protected abstract string StringToSign(Request request, string accountName);

    protected static string Header(Request request, string name) => request.Headers.TryGetValue(name, out var value) ? value : "";
}
