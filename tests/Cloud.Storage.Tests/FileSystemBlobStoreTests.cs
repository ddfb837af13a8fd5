using Cloud.Storage.Blobs;

namespace Cloud.Storage.Tests;

public sealed class FileSystemBlobStoreTests : BlobStoreContract, IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("cloud-blobs-");

    public void Dispose() => _root.Delete(recursive: true);

    protected override Task<IBlobStore> CreateStoreAsync() =>
        Task.FromResult<IBlobStore>(new FileSystemBlobStore(Path.Combine(_root.FullName, Guid.NewGuid().ToString("N"))));

    [Fact]
    public async Task BlobsAreOrdinaryFilesUnderTheRoot()
    {
        var root = Path.Combine(_root.FullName, "store");
        var store = new FileSystemBlobStore(root);

        await store.PutAsync("iris/1.0.0/model.json", Text("{}"));

        Assert.Equal("{}", File.ReadAllText(Path.Combine(root, "iris", "1.0.0", "model.json")));
        Assert.Empty(Directory.GetFiles(Path.Combine(root, ".uploads")));
    }

    [Fact]
    public async Task TheUploadFolderIsNeitherListedNorWritable()
    {
        var store = new FileSystemBlobStore(Path.Combine(_root.FullName, "store"));
        await store.PutAsync("a.txt", Text("a"));

        await Assert.ThrowsAsync<ArgumentException>(() => store.PutAsync(".uploads/x", Text("x")));
        var listed = new List<string>();
        await foreach (var blob in store.ListAsync(""))
        {
            listed.Add(blob.Path);
        }

        Assert.Equal(["a.txt"], listed);
    }

    [Fact]
    public async Task AFailedUploadLeavesNoTrace()
    {
        var root = Path.Combine(_root.FullName, "store");
        var store = new FileSystemBlobStore(root);

        await Assert.ThrowsAsync<IOException>(() => store.PutAsync("a.bin", new FailingStream()));

        Assert.Null(await store.GetPropertiesAsync("a.bin"));
        Assert.Empty(Directory.GetFiles(Path.Combine(root, ".uploads")));
    }

    [Fact]
    public async Task AbandonedUploadsOlderThanTheAgeAreDeletedAndYoungerOnesAndBlobsKept()
    {
        // What a killed host leaves: the temporary file of an upload it was receiving, last written an hour ago; and
        // the file of an upload another process is receiving now.
        var root = Path.Combine(_root.FullName, "store");
        var store = new FileSystemBlobStore(root);
        await store.PutAsync("iris/1.0.0/model.onnx", Text("kept"));
        var abandoned = Path.Combine(root, ".uploads", Guid.NewGuid().ToString("N"));
        var live = Path.Combine(root, ".uploads", Guid.NewGuid().ToString("N"));
        File.WriteAllText(abandoned, "partial");
        File.WriteAllText(live, "arriving");
        var now = DateTimeOffset.UtcNow;
        File.SetLastWriteTimeUtc(abandoned, now.AddHours(-1).UtcDateTime);

        var deleted = store.DeleteAbandonedUploads(now.AddMinutes(-30));

        Assert.Equal(1, deleted);
        Assert.Equal([live], Directory.GetFiles(Path.Combine(root, ".uploads")));
        Assert.Equal(4, (await store.GetPropertiesAsync("iris/1.0.0/model.onnx"))!.Size);
    }

    private sealed class FailingStream : Stream
    {
        private int _reads;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => ++_reads < 3 ? count : throw new IOException("connection reset");
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
