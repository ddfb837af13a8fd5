using Azure.Storage.Blobs;

namespace Cloud.Sdk.Models;

/// <summary>How <see cref="ModelsClient.PushFolderAsync"/> uploads a model folder.</summary>
public sealed class PushOptions
{
    /// <summary>Told as bytes go out (for a progress bar); called from upload threads.</summary>
    public IProgress<PushProgress>? Progress { get; set; }

    /// <summary>
    /// The models container, to upload straight to blob storage with the Azure SDK (parallel blocks, resumable)
    /// instead of through the management API; registration then happens through the blob trigger and the call
    /// waits for it through the management API. Null (the default) uploads through the management API.
    /// </summary>
    public BlobContainerClient? Storage { get; set; }

    /// <summary>Block size for the storage upload (default 8 MiB).</summary>
    public int BlockSize { get; set; } = 8 * 1024 * 1024;

    /// <summary>Blocks in flight at once for the storage upload (default 8).</summary>
    public int Parallelism { get; set; } = 8;

    /// <summary>How long to wait for registration after a storage upload (default 2 minutes).</summary>
    public TimeSpan RegistrationTimeout { get; set; } = TimeSpan.FromMinutes(2);
}
