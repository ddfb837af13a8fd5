using Cloud.Storage.Blobs;
using Cloud.Storage.GoogleStorage;
using Cloud.TestSupport.Gcs;
using Google.Cloud.Storage.V1;

namespace Cloud.Storage.Tests.Gcs;

/// <summary>
/// The blob store contract against the loopback fake of the Cloud Storage JSON API, through the real client library:
/// each store is a fresh folder (prefix) of one bucket, so prefixes are exercised by every test.
/// </summary>
public sealed class GcsBlobStoreTests : BlobStoreContract, IClassFixture<FakeGcsFixture>
{
    private readonly FakeGcsFixture _gcs;

    public GcsBlobStoreTests(FakeGcsFixture gcs)
    {
        _gcs = gcs;
    }

    protected override Task<IBlobStore> CreateStoreAsync() => Task.FromResult<IBlobStore>(Create(null));

    protected override Task<IBlobStore> CreateStoreAsync(int blockSize) =>
        // The JSON API's chunks are multiples of 256 KiB: the smallest is used, so the contract still crosses several.
        Task.FromResult<IBlobStore>(Create(new GcsBlobStoreOptions { ChunkSize = UploadObjectOptions.MinimumChunkSize }));

    [Fact]
    public async Task ListingCrossesPagesAndKeepsTheFolderOutOfPaths()
    {
        var store = new GcsBlobStore(_gcs.Client, Folder(), new GcsBlobStoreOptions { ListPageSize = 2 });
        string[] paths = ["a/1", "a/2", "a/3", "a/4", "a/5", "b/1"];
        foreach (var path in paths)
        {
            await store.PutAsync(path, Text(path));
        }

        var listed = await AsyncItems.ToListAsync(store.ListAsync("a/"));

        Assert.Equal(paths[..5], listed.Select(b => b.Path));
        Assert.Contains(_gcs.Server.Requests, r => r.Contains("pageToken=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnUploadLargerThanAChunkIsResumableAndAppearsWhole()
    {
        var store = Create(new GcsBlobStoreOptions { ChunkSize = UploadObjectOptions.MinimumChunkSize });
        var size = (3 * UploadObjectOptions.MinimumChunkSize) + 17;

        var written = await store.PutAsync("big.bin", new PatternStream(size, seed: 3));

        Assert.Equal(size, written.Size);
        Assert.Equal(size, (await store.GetPropertiesAsync("big.bin"))!.Size);
        Assert.Contains(_gcs.Server.Requests, r => r.Contains("uploadType=resumable", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnETagOfAnotherBackendNamesNoVersionHere()
    {
        var store = Create(null);
        await store.PutAsync("a.txt", Text("v1"));

        var conflict = await Assert.ThrowsAsync<StorageConflictException>(() =>
            store.PutAsync("a.txt", Text("v2"), BlobWriteConditions.IfMatch(new Azure.ETag("\"0x8D1\""))));

        Assert.Equal(StorageConflict.ETagMismatch, conflict.Conflict);
        Assert.Equal("v1", await ReadTextAsync(store, "a.txt"));
    }

    [Fact]
    public async Task ABlobReplacedWhileItDownloadsIsAConflictAndLeavesNoFile()
    {
        var folder = Folder();
        var store = new GcsBlobStore(_gcs.Client, folder, new GcsBlobStoreOptions { ChunkSize = UploadObjectOptions.MinimumChunkSize });
        var first = await store.PutAsync("model.onnx", new PatternStream(3 * UploadObjectOptions.MinimumChunkSize, seed: 1));
        var file = TemporaryFile();

        _gcs.Server.PauseMedia();
        var readsBefore = _gcs.Server.MediaReads;
        var downloading = store.DownloadToFileAsync("model.onnx", file);
        await Eventually.TrueAsync(() => _gcs.Server.MediaReads > readsBefore, "the first range to be asked for");
        _gcs.Server.Put(folder.Bucket, folder.Prefix + "model.onnx", new byte[3 * UploadObjectOptions.MinimumChunkSize]);
        _gcs.Server.ResumeMedia();

        var conflict = await Assert.ThrowsAsync<StorageConflictException>(() => downloading);
        Assert.Equal(StorageConflict.ETagMismatch, conflict.Conflict);
        Assert.Contains($"no longer at generation {first.ETag}", conflict.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(file));
    }

    [Theory]
    [InlineData("gs://models/iris/1.0.0", "models", "iris/1.0.0/")]
    [InlineData("gs://my-bucket", "my-bucket", "")]
    [InlineData("gs://my.bucket_1/a/", "my.bucket_1", "a/")]
    public void AFolderUriNamesItsBucketAndPrefix(string uri, string bucket, string prefix)
    {
        Assert.True(GcsLocation.TryParse(uri, out var location, out var problem), problem);
        Assert.Equal(new GcsLocation(bucket, prefix), location);
    }

    [Theory]
    [InlineData("", "it is empty; give the gs://bucket/folder that holds the model's files")]
    [InlineData("s3://models/iris", "'s3://models/iris' is not a gs:// URI; give the gs://bucket/folder that holds the model's files")]
    [InlineData("gs://Models/iris", "'gs://Models/iris' does not name a valid bucket ('Models'): use 3 to 63 lowercase letters, digits, '-', '_' or '.', starting and ending with a letter or digit")]
    [InlineData("gs://models/a/../b", "'gs://models/a/../b' has an empty, '.' or '..' folder, a backslash or a control character in its path")]
    public void AFolderUriThatIsNotOneSaysWhy(string uri, string expected)
    {
        Assert.False(GcsLocation.TryParse(uri, out _, out var problem));
        Assert.Equal(expected, problem);
    }

    private GcsBlobStore Create(GcsBlobStoreOptions? options) => new(_gcs.Client, Folder(), options);

    private static GcsLocation Folder() => new("cloud-tests", $"run-{Guid.NewGuid():N}/");
}

/// <summary>One fake server and one client for the class, as a process holds one client.</summary>
public sealed class FakeGcsFixture : IAsyncLifetime
{
    public FakeGcsServer Server { get; private set; } = null!;

    public StorageClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await FakeGcsServer.StartAsync();
        Client = await new StorageClientBuilder { BaseUri = Server.BaseUri.ToString(), UnauthenticatedAccess = true }.BuildAsync();
    }

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        await Server.DisposeAsync();

        // Every call the library made is one the fake implements: a contract passing against a fake that answered
        // 501 somewhere would prove nothing about that call.
        Assert.Empty(Server.Unhandled);
    }
}
