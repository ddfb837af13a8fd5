using System.Security.Cryptography;
using System.Text;
using Azure;
using Cloud.Storage.Blobs;

namespace Cloud.Storage.Tests;

/// <summary>
/// What every <see cref="IBlobStore"/> must do. Each backend's test class derives from this and supplies a fresh,
/// empty store per call, so one suite checks the filesystem and Azurite alike.
/// </summary>
public abstract class BlobStoreContract : IAsyncLifetime
{
    private readonly string _downloads = Path.Combine(Path.GetTempPath(), "cloud-downloads-" + Guid.NewGuid().ToString("N"));

    /// <summary>A fresh, empty store (its own folder or container).</summary>
    protected abstract Task<IBlobStore> CreateStoreAsync();

    /// <summary>
    /// A fresh, empty store that moves content in blocks / ranges of <paramref name="blockSize"/> bytes where the backend
    /// has such a thing, so tests cross many of them with little data. Backends without one return a plain store.
    /// </summary>
    protected virtual Task<IBlobStore> CreateStoreAsync(int blockSize) => CreateStoreAsync();

    [Fact]
    public async Task PutThenGetReturnsTheSameBytesAndProperties()
    {
        var store = await CreateStoreAsync();
        var content = Encoding.UTF8.GetBytes("{\"name\":\"iris\"}");

        var written = await store.PutAsync("iris/1.0.0/model.json", new MemoryStream(content));
        var properties = await store.GetPropertiesAsync("iris/1.0.0/model.json");
        await using var download = await store.OpenReadAsync("iris/1.0.0/model.json");

        Assert.Equal("iris/1.0.0/model.json", written.Path);
        Assert.Equal(content.Length, written.Size);
        Assert.NotEqual(default, written.ETag);
        Assert.Equal(written, properties);
        Assert.NotNull(download);
        Assert.Equal(written.ETag, download.Properties.ETag);
        Assert.Equal(content, await ReadAllAsync(download.Content));
    }

    [Fact]
    public async Task MissingBlobsAreNullNotErrors()
    {
        var store = await CreateStoreAsync();
        Assert.Null(await store.GetPropertiesAsync("nope/model.json"));
        Assert.Null(await store.OpenReadAsync("nope/model.json"));
        Assert.False(await store.DeleteAsync("nope/model.json"));
    }

    [Fact]
    public async Task EveryWriteChangesTheETag()
    {
        var store = await CreateStoreAsync();
        var first = await store.PutAsync("a.txt", Text("same"));
        var second = await store.PutAsync("a.txt", Text("same"));
        Assert.NotEqual(first.ETag, second.ETag);
    }

    [Fact]
    public async Task CreateOnlyRefusesAnExistingBlob()
    {
        var store = await CreateStoreAsync();
        await store.PutAsync("a.txt", Text("first"), BlobWriteConditions.IfNoneMatchAny);

        var conflict = await Assert.ThrowsAsync<StorageConflictException>(() =>
            store.PutAsync("a.txt", Text("second"), BlobWriteConditions.IfNoneMatchAny));

        Assert.Equal(StorageConflict.AlreadyExists, conflict.Conflict);
        Assert.Equal("a.txt", conflict.Item);
        Assert.Equal("first", await ReadTextAsync(store, "a.txt"));
    }

    [Fact]
    public async Task IfMatchReplacesOnlyTheVersionItNames()
    {
        var store = await CreateStoreAsync();
        var v1 = await store.PutAsync("a.txt", Text("v1"));
        var v2 = await store.PutAsync("a.txt", Text("v2"), BlobWriteConditions.IfMatch(v1.ETag));

        var stale = await Assert.ThrowsAsync<StorageConflictException>(() =>
            store.PutAsync("a.txt", Text("v3"), BlobWriteConditions.IfMatch(v1.ETag)));

        Assert.Equal(StorageConflict.ETagMismatch, stale.Conflict);
        Assert.Equal("v2", await ReadTextAsync(store, "a.txt"));
        Assert.Equal(v2.ETag, (await store.GetPropertiesAsync("a.txt"))!.ETag);
    }

    [Fact]
    public async Task IfMatchOnAMissingBlobIsAConflict()
    {
        var store = await CreateStoreAsync();
        var conflict = await Assert.ThrowsAsync<StorageConflictException>(() =>
            store.PutAsync("a.txt", Text("v1"), BlobWriteConditions.IfMatch(new ETag("\"0x1\""))));
        Assert.True(conflict.Conflict is StorageConflict.NotFound or StorageConflict.ETagMismatch);
        Assert.Null(await store.GetPropertiesAsync("a.txt"));
    }

    [Fact]
    public async Task ConcurrentCreateOnlyWritesHaveExactlyOneWinner()
    {
        var store = await CreateStoreAsync();
        var attempts = Enumerable.Range(0, 8).Select(async i =>
        {
            try
            {
                await store.PutAsync("race.txt", Text($"writer {i}"), BlobWriteConditions.IfNoneMatchAny);
                return i;
            }
            catch (StorageConflictException)
            {
                return -1;
            }
        });

        var winners = (await Task.WhenAll(attempts)).Where(i => i >= 0).ToArray();

        var winner = Assert.Single(winners);
        Assert.Equal($"writer {winner}", await ReadTextAsync(store, "race.txt"));
    }

    [Fact]
    public async Task ListReturnsPathsUnderThePrefixInOrdinalOrder()
    {
        var store = await CreateStoreAsync();
        foreach (var path in new[] { "iris/2.0.0/model.json", "iris/1.0.0/model.onnx", "iris/1.0.0/model.json", "irises/1.0.0/model.json", "mlp/1.0.0/model.json" })
        {
            await store.PutAsync(path, Text(path));
        }

        var underIris = await AsyncItems.ToListAsync(store.ListAsync("iris/"));
        var all = await AsyncItems.ToListAsync(store.ListAsync(""));

        Assert.Equal(["iris/1.0.0/model.json", "iris/1.0.0/model.onnx", "iris/2.0.0/model.json"], underIris.Select(b => b.Path));
        Assert.Equal(5, all.Count);
        Assert.All(underIris, b => Assert.Equal(b.Path.Length, b.Size));
    }

    [Fact]
    public async Task DeleteRemovesTheBlobAndHonoursIfMatch()
    {
        var store = await CreateStoreAsync();
        var v1 = await store.PutAsync("a.txt", Text("v1"));
        await store.PutAsync("a.txt", Text("v2"));

        var stale = await Assert.ThrowsAsync<StorageConflictException>(() => store.DeleteAsync("a.txt", v1.ETag));
        Assert.Equal(StorageConflict.ETagMismatch, stale.Conflict);
        Assert.True(await store.DeleteAsync("a.txt"));
        Assert.Null(await store.GetPropertiesAsync("a.txt"));
        Assert.Empty(await AsyncItems.ToListAsync(store.ListAsync("")));
    }

    [Fact]
    public async Task LargeBlobsStreamInAndOutIntact()
    {
        var store = await CreateStoreAsync();
        const int size = 12 * 1024 * 1024 + 123; // several blocks for chunked backends, not a multiple of any block size
        var expectedHash = SHA256.HashData(new PatternStream(size));

        var written = await store.PutAsync("big/model.onnx", new PatternStream(size));
        await using var download = await store.OpenReadAsync("big/model.onnx");

        Assert.Equal(size, written.Size);
        Assert.Equal(expectedHash, await SHA256.HashDataAsync(download!.Content));
    }

    [Fact]
    public async Task DownloadingAMissingBlobReturnsNullAndCreatesNoFile()
    {
        var store = await CreateStoreAsync();
        var file = TemporaryFile();

        Assert.Null(await store.DownloadToFileAsync("nope/model.onnx", file));
        Assert.Null(await store.DownloadAndHashAsync("nope/model.onnx", file));
        Assert.False(File.Exists(file));
    }

    [Fact]
    public async Task ABlobLargerThanTheBlockSizeDownloadsToAFileByteForByte()
    {
        const int blockSize = 64 * 1024;
        const int size = 5 * blockSize + 123; // the first range, four more, and a short last one
        var store = await CreateStoreAsync(blockSize);
        var written = await store.PutAsync("big/model.onnx", new PatternStream(size, seed: 5));
        var expectedHash = SHA256.HashData(new PatternStream(size, seed: 5));
        var file = TemporaryFile();
        var hashed = TemporaryFile();

        var downloaded = await store.DownloadToFileAsync("big/model.onnx", file);
        var result = await store.DownloadAndHashAsync("big/model.onnx", hashed);

        Assert.Equal(written, downloaded);
        Assert.Equal(size, new FileInfo(file).Length);
        Assert.Equal(expectedHash, SHA256.HashData(File.ReadAllBytes(file)));
        Assert.Equal((Convert.ToHexStringLower(expectedHash), (long)size), result);
    }

    [Fact]
    public async Task AnEmptyBlobDownloadsAsAnEmptyFile()
    {
        var store = await CreateStoreAsync(blockSize: 1024);
        var written = await store.PutAsync("empty.bin", new MemoryStream());
        var file = TemporaryFile();

        Assert.Equal(written, await store.DownloadToFileAsync("empty.bin", file));
        Assert.Equal(0, new FileInfo(file).Length);
    }

    [Fact]
    public async Task DownloadingNeverOverwritesAnExistingFile()
    {
        var store = await CreateStoreAsync();
        await store.PutAsync("a.txt", Text("new"));
        var file = TemporaryFile();
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllText(file, "someone else's");

        await Assert.ThrowsAsync<IOException>(() => store.DownloadToFileAsync("a.txt", file));

        Assert.Equal("someone else's", File.ReadAllText(file));
    }

    [Fact]
    public async Task AReaderNeverSeesAHalfWrittenBlob()
    {
        var store = await CreateStoreAsync();
        await store.PutAsync("a.bin", new PatternStream(1024, seed: 1));
        var slowWriter = new PatternStream(4 * 1024 * 1024, seed: 2) { DelayEveryRead = TimeSpan.FromMilliseconds(1) };

        var writing = store.PutAsync("a.bin", slowWriter);
        var seen = await store.GetPropertiesAsync("a.bin");
        await writing;

        // While the new content was still streaming in, the old blob stayed whole (or the new one was complete).
        Assert.True(seen!.Size is 1024 or 4 * 1024 * 1024, $"saw a blob of {seen.Size} bytes");
    }

    [Theory]
    [InlineData("../escape.txt")]
    [InlineData("a/../../escape.txt")]
    [InlineData("/rooted.txt")]
    [InlineData("a//b.txt")]
    [InlineData("a\\b.txt")]
    [InlineData("a/./b.txt")]
    [InlineData("bad\u0001name")]
    public async Task UnsafePathsAreRefused(string path)
    {
        var store = await CreateStoreAsync();
        await Assert.ThrowsAsync<ArgumentException>(() => store.PutAsync(path, Text("x")));
        await Assert.ThrowsAsync<ArgumentException>(() => store.GetPropertiesAsync(path));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        if (Directory.Exists(_downloads))
        {
            Directory.Delete(_downloads, recursive: true);
        }

        return Task.CompletedTask;
    }

    /// <summary>A path in a folder of its own that does not exist yet: downloads create their file's folder.</summary>
    protected string TemporaryFile() => Path.Combine(_downloads, Guid.NewGuid().ToString("N"), "model.onnx");

    protected static MemoryStream Text(string text) => new(Encoding.UTF8.GetBytes(text));

    protected static async Task<string> ReadTextAsync(IBlobStore store, string path)
    {
        await using var download = await store.OpenReadAsync(path) ?? throw new InvalidOperationException($"{path} is missing");
        return Encoding.UTF8.GetString(await ReadAllAsync(download.Content));
    }

    private static async Task<byte[]> ReadAllAsync(Stream stream)
    {
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer);
        return buffer.ToArray();
    }
}
