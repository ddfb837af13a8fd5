using Cloud.Registry.Registration;
using Cloud.Registry;
using Cloud.Storage.Blobs;
using Cloud.Storage.Tables;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cloud.TestSupport;

/// <summary>A registry on the embedded backends (a temp folder and a SQLite file) with a manual clock.</summary>
internal sealed class RegistryHarness : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("cloud-registry-");

    public RegistryHarness(long inProcessInspectionLimit = 32L * 1024 * 1024, string? inspectorProgram = null)
    {
        Blobs = new FileSystemBlobStore(Path.Combine(_root.FullName, "models"), Time);
        Table = new SqliteTableStore(Path.Combine(_root.FullName, "cloud.db"), "ModelRegistry", Time);
        Registry = new ModelRegistry(Table, Time);
        Registration = new ModelRegistration(Blobs, Registry, new RegistrationOptions
        {
            IncompleteFolderWait = TimeSpan.FromMinutes(10),
            InProcessInspectionLimit = inProcessInspectionLimit,
            InspectorProgram = inspectorProgram,
            WorkDirectory = Path.Combine(_root.FullName, "work"),
        }, Time, NullLogger<ModelRegistration>.Instance);
    }

    public TestClock Time { get; } = new();

    internal FileSystemBlobStore Blobs { get; }

    internal SqliteTableStore Table { get; }

    internal ModelRegistry Registry { get; }

    internal ModelRegistration Registration { get; }

    public async Task PutAsync(string path, byte[] content) => await Blobs.PutAsync(path, new MemoryStream(content));

    public Task PutTextAsync(string path, string text) => PutAsync(path, System.Text.Encoding.UTF8.GetBytes(text));

    /// <summary>Uploads the iris sample as {name}/{version}/, model file first and model.json last (as our tools do).</summary>
    public async Task UploadIrisAsync(string version = "1.0.0", string name = "iris")
    {
        await PutAsync($"{name}/{version}/model.onnx", File.ReadAllBytes(Path.Combine(Repo.IrisFolder, "model.onnx")));
        await PutAsync($"{name}/{version}/validation.csv", File.ReadAllBytes(Path.Combine(Repo.IrisFolder, "validation.csv")));
        await PutTextAsync($"{name}/{version}/model.json", SampleModels.IrisManifest(version, name));
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _root.Delete(recursive: true);
    }
}
