using System.Security.Cryptography;
using Azure;
using Azure.Core;
using Cloud.Storage.AzureStorage;
using Cloud.Storage.Blobs;
using Xunit.Abstractions;

namespace Cloud.Storage.Tests.Azurite;

/// <summary>What the Azure blob client does beyond the contract: block uploads, streaming, escaping, errors, auth.</summary>
[RequiresNode]
[Collection(AzuriteTests.Name)]
public sealed class AzureBlobStoreTests(AzuriteFixture azurite, ITestOutputHelper output) : IDisposable
{
    private const int MiB = 1024 * 1024;

    private readonly DirectoryInfo _downloads = Directory.CreateTempSubdirectory("cloud-downloads-");

    public void Dispose() => _downloads.Delete(recursive: true);

    [Fact]
    public async Task LargeBlobsGoUpAsBlocksOfTheConfiguredSizeWithoutBeingHeldInMemory()
    {
        const long size = 20 * MiB;
        var recorder = new RequestRecorder();
        var options = new AzureBlobStoreOptions { BlockSize = 4 * MiB, SingleUploadThreshold = 1 * MiB };
        options.ClientOptions.AddPolicy(recorder, HttpPipelinePosition.PerCall);
        var store = await CreateStoreAsync(options);
        var expectedHash = SHA256.HashData(new PatternStream(size, seed: 7));

        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var written = await store.PutAsync("big/model.onnx", new PatternStream(size, seed: 7));
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;

        output.WriteLine($"uploading {size} bytes allocated {allocated} bytes");
        Assert.Equal(size, written.Size);
        Assert.Equal(5, recorder.Count("PUT", "block"));
        Assert.Equal(1, recorder.Count("PUT", "blocklist"));
        Assert.DoesNotContain(recorder.Requests, r => r.Method == "PUT" && r.Uri.AbsolutePath.EndsWith("/big/model.onnx", StringComparison.Ordinal) && r.Uri.Query.Length == 0);
        Assert.True(allocated < size / 2, $"uploading {size} bytes allocated {allocated} bytes");
        await using var download = await store.OpenReadAsync("big/model.onnx");
        Assert.Equal(expectedHash, await SHA256.HashDataAsync(download!.Content));
    }

    [Fact]
    public async Task DownloadsStreamFromTheNetworkWithoutBufferingTheBlob()
    {
        const long size = 20 * MiB;
        var store = await CreateStoreAsync(new AzureBlobStoreOptions { BlockSize = 4 * MiB });
        await store.PutAsync("big.bin", new PatternStream(size, seed: 3));
        var expectedHash = SHA256.HashData(new PatternStream(size, seed: 3));
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[64 * 1024];

        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        long read = 0;
        await using (var download = await store.OpenReadAsync("big.bin"))
        {
            Assert.Equal(size, download!.Properties.Size);
            int n;
            while ((n = await download.Content.ReadAsync(buffer)) > 0)
            {
                hash.AppendData(buffer, 0, n);
                read += n;
            }
        }

        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;

        output.WriteLine($"downloading {size} bytes allocated {allocated} bytes");
        Assert.Equal(size, read);
        Assert.Equal(expectedHash, hash.GetHashAndReset());
        Assert.True(allocated < size / 4, $"downloading {size} bytes allocated {allocated} bytes");
    }

    [Fact]
    public async Task DownloadsToAFileGoAsRangedGetsOfTheBlockSize()
    {
        const int blockSize = 256 * 1024;
        const long size = 4 * blockSize + 100; // the first range, three more, and a short last one
        var recorder = new RequestRecorder();
        var options = new AzureBlobStoreOptions { BlockSize = blockSize, SingleUploadThreshold = blockSize, MaximumConcurrency = 3 };
        options.ClientOptions.AddPolicy(recorder, HttpPipelinePosition.PerCall);
        var store = await CreateStoreAsync(options);
        var written = await store.PutAsync("big/model.onnx", new PatternStream(size, seed: 9));
        var file = Path.Combine(_downloads.FullName, "model.onnx");

        var downloaded = await store.DownloadToFileAsync("big/model.onnx", file);

        var ranges = recorder.Requests.Where(r => r.Method == "GET" && r.Range is not null).Select(r => r.Range!).Order(StringComparer.Ordinal).ToArray();
        output.WriteLine(string.Join(", ", ranges));
        Assert.Equal(written, downloaded);
        Assert.Equal(SHA256.HashData(new PatternStream(size, seed: 9)), SHA256.HashData(File.ReadAllBytes(file)));
        Assert.Equal(
            ["bytes=0-262143", "bytes=1048576-1048675", "bytes=262144-524287", "bytes=524288-786431", "bytes=786432-1048575"],
            ranges);
        Assert.DoesNotContain(recorder.Requests, r => r.Method == "GET" && r.Range is null);
    }

    [Fact]
    public async Task DownloadsToAFileHoldAFewRangesNotTheBlob()
    {
        const long size = 20 * MiB;
        var store = await CreateStoreAsync(new AzureBlobStoreOptions { BlockSize = 1 * MiB, SingleUploadThreshold = 1 * MiB, MaximumConcurrency = 4 });
        await store.PutAsync("big.bin", new PatternStream(size, seed: 4));
        var file = Path.Combine(_downloads.FullName, "big.bin");

        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var downloaded = await store.DownloadToFileAsync("big.bin", file);
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;

        output.WriteLine($"downloading {size} bytes to a file allocated {allocated} bytes");
        Assert.Equal(size, downloaded!.Size);
        Assert.Equal(size, new FileInfo(file).Length);
        Assert.True(allocated < size / 2, $"downloading {size} bytes to a file allocated {allocated} bytes");
    }

    [Theory]
    [InlineData(0)] // replaced between reading the properties and the first range
    [InlineData(256 * 1024)] // replaced after the first range was served: without If-Match the file would be mixed
    public async Task ABlobReplacedDuringADownloadToAFileIsAConflictAndLeavesNoFile(long replacedBeforeRange)
    {
        const int blockSize = 256 * 1024;
        var container = Names.Container();
        var writer = new AzureBlobStore(azurite.ConnectionString, container);
        await writer.CreateContainerIfNotExistsAsync();
        var v1 = await writer.PutAsync("a.bin", new PatternStream(4 * blockSize, seed: 1));
        BlobProperties? v2 = null;
        var options = new AzureBlobStoreOptions { BlockSize = blockSize, MaximumConcurrency = 1 };
        options.ClientOptions.AddPolicy(
            new BeforeRange(replacedBeforeRange, async () => v2 = await writer.PutAsync("a.bin", new PatternStream(4 * blockSize, seed: 2))),
            HttpPipelinePosition.PerCall);
        var reader = new AzureBlobStore(azurite.ConnectionString, container, options);
        var file = Path.Combine(_downloads.FullName, "a.bin");

        var conflict = await Assert.ThrowsAsync<StorageConflictException>(() => reader.DownloadToFileAsync("a.bin", file));

        output.WriteLine(conflict.Message);
        Assert.Equal(StorageConflict.ETagMismatch, conflict.Conflict);
        Assert.Equal("a.bin", conflict.Item);
        Assert.Contains(v1.ETag.ToString(), conflict.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(file));
        Assert.NotNull(v2);
        Assert.Equal(v2, await reader.DownloadToFileAsync("a.bin", file));
        Assert.Equal(SHA256.HashData(new PatternStream(4 * blockSize, seed: 2)), SHA256.HashData(File.ReadAllBytes(file)));
    }

    [Fact]
    public async Task ABlobDeletedDuringADownloadToAFileIsMissingAndLeavesNoFile()
    {
        var container = Names.Container();
        var writer = new AzureBlobStore(azurite.ConnectionString, container);
        await writer.CreateContainerIfNotExistsAsync();
        await writer.PutAsync("a.bin", new PatternStream(4096, seed: 1));
        var options = new AzureBlobStoreOptions { BlockSize = 1024 };
        options.ClientOptions.AddPolicy(new BeforeRange(1024, () => writer.DeleteAsync("a.bin")), HttpPipelinePosition.PerCall);
        var reader = new AzureBlobStore(azurite.ConnectionString, container, options);
        var file = Path.Combine(_downloads.FullName, "a.bin");

        Assert.Null(await reader.DownloadToFileAsync("a.bin", file));
        Assert.False(File.Exists(file));
    }

    [Fact]
    public async Task ConditionsApplyToTheBlockListCommit()
    {
        var recorder = new RequestRecorder();
        var options = new AzureBlobStoreOptions { BlockSize = 1024, SingleUploadThreshold = 1024 };
        options.ClientOptions.AddPolicy(recorder, HttpPipelinePosition.PerCall);
        var store = await CreateStoreAsync(options);

        var first = await store.PutAsync("a.bin", new PatternStream(5000, seed: 1), BlobWriteConditions.IfNoneMatchAny);
        var exists = await Assert.ThrowsAsync<StorageConflictException>(() =>
            store.PutAsync("a.bin", new PatternStream(5000, seed: 2), BlobWriteConditions.IfNoneMatchAny));
        var second = await store.PutAsync("a.bin", new PatternStream(3000, seed: 3), BlobWriteConditions.IfMatch(first.ETag));
        var stale = await Assert.ThrowsAsync<StorageConflictException>(() =>
            store.PutAsync("a.bin", new PatternStream(5000, seed: 4), BlobWriteConditions.IfMatch(first.ETag)));

        Assert.Equal(StorageConflict.AlreadyExists, exists.Conflict);
        Assert.Equal(StorageConflict.ETagMismatch, stale.Conflict);
        Assert.Equal(5 + 5 + 3 + 5, recorder.Count("PUT", "block"));
        Assert.Equal(4, recorder.Count("PUT", "blocklist"));
        Assert.Equal(second, await store.GetPropertiesAsync("a.bin"));
        await using var download = await store.OpenReadAsync("a.bin");
        Assert.Equal(SHA256.HashData(new PatternStream(3000, seed: 3)), await SHA256.HashDataAsync(download!.Content));
    }

    [Fact]
    public async Task EmptyBlobsAreOneEmptyPutBlob()
    {
        var store = await CreateStoreAsync();

        var written = await store.PutAsync("empty.txt", new MemoryStream());

        Assert.Equal(0, written.Size);
        Assert.Equal(written, await store.GetPropertiesAsync("empty.txt"));
        await using var download = await store.OpenReadAsync("empty.txt");
        Assert.Equal(-1, download!.Content.ReadByte());
    }

    [Theory]
    [InlineData("with space/ü+%&=#?;.txt")]
    [InlineData("a/b c/d'e(f)!*~$@,.bin")]
    [InlineData("日本/ファイル 🚀.json")]
    public async Task NamesThatNeedEscapingAreSignedAndAddressedCorrectly(string path)
    {
        var store = await CreateStoreAsync();

        var written = await store.PutAsync(path, new PatternStream(100));
        var listed = new List<BlobProperties>();
        await foreach (var blob in store.ListAsync(path[..(path.IndexOf('/', StringComparison.Ordinal) + 1)]))
        {
            listed.Add(blob);
        }

        Assert.Equal(written, await store.GetPropertiesAsync(path));
        Assert.Equal([path], listed.Select(b => b.Path));
        Assert.True(await store.DeleteAsync(path, written.ETag));
        Assert.Null(await store.GetPropertiesAsync(path));
    }

    [Fact]
    public async Task ListingFollowsContinuationMarkers()
    {
        var recorder = new RequestRecorder();
        var options = new AzureBlobStoreOptions { ListPageSize = 2 };
        options.ClientOptions.AddPolicy(recorder, HttpPipelinePosition.PerCall);
        var store = await CreateStoreAsync(options);
        string[] paths = ["m/1", "m/2", "m/3", "m/4", "m/5"];
        foreach (var path in paths.Reverse())
        {
            await store.PutAsync(path, new PatternStream(1));
        }

        var listed = new List<string>();
        await foreach (var blob in store.ListAsync("m/"))
        {
            listed.Add(blob.Path);
        }

        Assert.Equal(paths, listed);
        Assert.Equal(3, recorder.Count("GET", "list"));
    }

    [Fact]
    public async Task CreateContainerIfNotExistsSaysWhetherItCreatedIt()
    {
        var store = new AzureBlobStore(azurite.ConnectionString, Names.Container());

        Assert.True(await store.CreateContainerIfNotExistsAsync());
        Assert.False(await store.CreateContainerIfNotExistsAsync());
    }

    [Fact]
    public async Task AMissingContainerIsAnErrorRatherThanAMissingBlob()
    {
        var store = new AzureBlobStore(azurite.ConnectionString, Names.Container());

        var head = await Assert.ThrowsAsync<RequestFailedException>(() => store.GetPropertiesAsync("a.txt"));
        var read = await Assert.ThrowsAsync<RequestFailedException>(() => store.OpenReadAsync("a.txt"));
        var write = await Assert.ThrowsAsync<RequestFailedException>(() => store.PutAsync("a.txt", new PatternStream(1)));
        var delete = await Assert.ThrowsAsync<RequestFailedException>(() => store.DeleteAsync("a.txt"));
        var list = await Assert.ThrowsAsync<RequestFailedException>(async () =>
        {
            await foreach (var blob in store.ListAsync(""))
            {
            }
        });

        Assert.All([head, read, write, delete, list], error => Assert.Equal((404, "ContainerNotFound"), (error.Status, error.ErrorCode)));
        Assert.Contains("The specified container does not exist.", write.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AWrongAccountKeyIsRefusedWith403()
    {
        var wrongKey = Convert.ToBase64String(new byte[64]);
        var connectionString = azurite.ConnectionString.Replace(AzuriteFixture.DevelopmentAccountKey, wrongKey, StringComparison.Ordinal);
        var good = await CreateStoreAsync();
        var bad = new AzureBlobStore(connectionString, good.Description.Split('/')[1]);
        await good.PutAsync("a.txt", new PatternStream(10));

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => bad.OpenReadAsync("a.txt"));

        // Azure answers a bad signature with AuthenticationFailed; Azurite's blob service says AuthorizationFailure.
        Assert.Equal(403, error.Status);
        Assert.Equal("AuthorizationFailure", error.ErrorCode);
        Assert.NotNull(await good.OpenReadAsync("a.txt"));
    }

    private async Task<AzureBlobStore> CreateStoreAsync(AzureBlobStoreOptions? options = null)
    {
        var store = new AzureBlobStore(azurite.ConnectionString, Names.Container(), options);
        await store.CreateContainerIfNotExistsAsync();
        return store;
    }
}
