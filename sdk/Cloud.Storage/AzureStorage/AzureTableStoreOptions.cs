using Azure.Data.Tables;

namespace Cloud.Storage.AzureStorage;

/// <summary>Options for <see cref="AzureTableStore"/>: the SDK's client options (retries, transport, diagnostics).</summary>
public sealed class AzureTableStoreOptions
{
    /// <summary>The Azure SDK's client options: retries, transport, diagnostics, service version.</summary>
    public TableClientOptions ClientOptions { get; set; } = new();

    /// <summary>Entities per query page; null for the service's default of 1,000. Lets tests cross pages cheaply.</summary>
    internal int? QueryPageSize { get; set; }
}
