using System.Security.Cryptography;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Cloud.Sdk.Models;
using Cloud.Sdk.Tests.Hosting;

namespace Cloud.Sdk.Tests.Clients;

/// <summary>The storage push (straight to blobs with the Azure SDK) against Azurite: parallel blocks, resumable, registered by the host.</summary>
public sealed class StoragePushTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private const int MiB = 1024 * 1024;

    [Fact]
    public async Task AnInterruptedUploadResumesWithTheBlocksAlreadyStagedAndEndsWithTheSameBytes()
    {
        var container = new BlobContainerClient(azurite.ConnectionString, "resume" + Guid.NewGuid().ToString("N")[..8]);
        await container.CreateAsync();
        var folder = LoopbackHost.IrisFolder("9.0.0");
        var big = Path.Combine(folder, "a-weights.bin");
        var bytes = new byte[12 * MiB];
        new Random(7).NextBytes(bytes);
        await File.WriteAllBytesAsync(big, bytes);
        var opened = ModelFolder.Open(folder);
        using var cancel = new CancellationTokenSource();
        var options = new PushOptions
        {
            BlockSize = MiB,
            Parallelism = 2,
            Progress = new Callback(p =>
            {
                if (p.BytesDone >= 5 * MiB)
                {
                    cancel.Cancel();
                }
            }),
        };

        var first = new BlobFolderUploader(container, options);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first.UploadAsync(opened, cancel.Token));
        var blob = container.GetBlockBlobClient("iris/9.0.0/a-weights.bin");
        BlockList staged = await blob.GetBlockListAsync(BlockListTypes.Uncommitted);
        var manifestExists = await container.GetBlobClient("iris/9.0.0/model.json").ExistsAsync();

        var second = new BlobFolderUploader(container, new PushOptions { BlockSize = MiB, Parallelism = 2 });
        await second.UploadAsync(opened, CancellationToken.None);
        var third = new BlobFolderUploader(container, new PushOptions { BlockSize = MiB, Parallelism = 2 });
        await third.UploadAsync(opened, CancellationToken.None);
        var downloaded = (await blob.DownloadContentAsync()).Value.Content.ToArray();

        Assert.False(manifestExists.Value);
        Assert.True(staged.UncommittedBlocks.Count() >= 4, $"{staged.UncommittedBlocks.Count()} blocks staged before the interruption");
        // At least what was staged when we looked: a block whose request was in flight at the cancellation may land after.
        Assert.InRange(second.BytesResumed, staged.UncommittedBlocks.Sum(b => b.SizeLong), opened.TotalBytes - 1);
        Assert.Equal(opened.TotalBytes, second.BytesSent + second.BytesResumed);
        Assert.Equal(SHA256.HashData(bytes), SHA256.HashData(downloaded));
        Assert.Equal((0L, opened.TotalBytes), (third.BytesSent, third.BytesResumed));
    }

    [Fact]
    public async Task APushToStorageIsRegisteredByTheHostWatchingIt()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        await using var host = await LoopbackHost.StartAsync(
            ("Cloud:Storage:ConnectionString", azurite.ConnectionString),
            ("Cloud:Storage:ModelsContainer", "models" + suffix),
            ("Cloud:Storage:RegisteredContainer", "registered" + suffix),
            ("Cloud:Storage:JobsContainer", "jobs" + suffix),
            ("Cloud:Storage:RegistryTable", "Registry" + suffix),
            ("Cloud:Storage:JobsTable", "Jobs" + suffix));
        using var models = new ModelsClient(host.Endpoint, new ModelsClientOptions { Credential = CloudCredential.AdminKey(LoopbackHost.AdminKey) });
        var folder = LoopbackHost.IrisFolder("9.1.0");

        var pushed = await models.PushFolderAsync(folder, new PushOptions { Storage = new BlobContainerClient(azurite.ConnectionString, "models" + suffix) });

        Assert.Equal(("iris", "9.1.0", "registered"), (pushed.Model, pushed.Version, pushed.Registration));
        Assert.Equal(Directory.GetFiles(folder).Sum(f => new FileInfo(f).Length), pushed.BytesSent);
    }

    private sealed class Callback(Action<PushProgress> report) : IProgress<PushProgress>
    {
        public void Report(PushProgress value) => report(value);
    }
}
