using Azure.Core;

namespace Cloud.Storage.AzureStorage;

/// <summary>Options for <see cref="AzureTableStore"/>: retries, transport and diagnostics (from <see cref="ClientOptions"/>).</summary>
public sealed class AzureTableStoreOptions : ClientOptions
{
    /// <summary>The Table service REST version this client speaks (the newest the Table service has).</summary>
    internal const string ServiceVersion = "2019-02-02";

    /// <summary>Entities per query page ($top); null for the service's default of 1,000. Lets tests cross pages cheaply.</summary>
    internal int? QueryPageSize { get; set; }
}
