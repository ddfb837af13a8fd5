using Cloud.Registry.Registered;
using Cloud.Registry.Registration;
using Cloud.Registry;
using Cloud.Storage.Blobs;
using Cloud.Storage.Tables;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cloud.TestSupport;

/// <summary>A registry on the embedded backends (temp folders and a SQLite file) with a manual clock.</summary>
internal sealed class RegistryHarness : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("cloud-registry-");

    public RegistryHarness(long inProcessInspectionLimit = 32L * 1024 * 1024, string? inspectorProgram = null)
    {
        Blobs = new FileSystemBlobStore(Path.Combine(_root.FullName, "models"), Time);
        Registered = new FileSystemBlobStore(Path.Combine(_root.FullName, "models-registered"), Time);
        Content = new RegisteredContent(Registered);
        Table = new SqliteTableStore(Path.Combine(_root.FullName, "cloud.db"), "ModelRegistry", Time);
        Registry = new ModelRegistry(Table, Time);
        Work = new WorkFolder(Path.Combine(_root.FullName, "work"));
        Registration = NewRegistration(Registry, inProcessInspectionLimit, inspectorProgram);
    }

    public TestClock Time { get; } = new();

    internal FileSystemBlobStore Blobs { get; }

    /// <summary>The registered container: registration's copies, which serving reads.</summary>
    internal FileSystemBlobStore Registered { get; }

    internal RegisteredContent Content { get; }

    internal WorkFolder Work { get; }

    internal SqliteTableStore Table { get; }

    internal ModelRegistry Registry { get; }

    internal ModelRegistration Registration { get; }

    /// <summary>Another registration over the same stores and work folder (another event's, say), on <paramref name="registry"/>.</summary>
    internal ModelRegistration NewRegistration(ModelRegistry registry, long inProcessInspectionLimit = 32L * 1024 * 1024, string? inspectorProgram = null) =>
        new(Blobs, Content, registry, Work, new RegistrationOptions
        {
            IncompleteFolderWait = TimeSpan.FromMinutes(10),
            InProcessInspectionLimit = inProcessInspectionLimit,
            InspectorProgram = inspectorProgram,
        }, Time, NullLogger<ModelRegistration>.Instance);

    /// <summary>The model validator over this registry's registered copies (a job's dataset from its models container).</summary>
    internal Cloud.Jobs.Evaluation.ModelValidator Validator(Cloud.Jobs.Evaluation.ValidationOptions? options = null) =>
        new(Registry, Content, Blobs, options ?? new Cloud.Jobs.Evaluation.ValidationOptions(), NullLogger<Cloud.Jobs.Evaluation.ModelValidator>.Instance);

    public async Task PutAsync(string path, byte[] content) => await Blobs.PutAsync(path, new MemoryStream(content));

    public Task PutTextAsync(string path, string text) => PutAsync(path, System.Text.Encoding.UTF8.GetBytes(text));

    /// <summary>Uploads the iris sample as {name}/{version}/, model file first and model.json last (as our tools do).</summary>
    public async Task UploadIrisAsync(string version = "1.0.0", string name = "iris")
    {
        await PutAsync($"{name}/{version}/model.onnx", File.ReadAllBytes(Path.Combine(Repo.IrisFolder, "model.onnx")));
        await PutIrisDatasetAsync(version, name);
        await PutTextAsync($"{name}/{version}/model.json", SampleModels.IrisManifest(version, name));
    }

    /// <summary>The iris sample's validation dataset, which its manifest names: a folder without it is incomplete.</summary>
    public Task PutIrisDatasetAsync(string version = "1.0.0", string name = "iris") =>
        PutAsync($"{name}/{version}/validation.csv", File.ReadAllBytes(Path.Combine(Repo.IrisFolder, "validation.csv")));

    /// <summary>Deletes everything; a second call (the jobs harness that shares this registry disposes it too) does nothing.</summary>
    public void Dispose()
    {
        if (!_root.Exists)
        {
            return;
        }

        Work.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _root.Delete(recursive: true);
        _root.Refresh();
    }
}
