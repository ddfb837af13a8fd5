using Cloud.Functions.Registration;
using Cloud.Functions.Registry;
using Cloud.Storage.Blobs;
using Cloud.Storage.Tables;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cloud.Functions.Tests.Registration;

/// <summary>A registry on the embedded backends (a temp folder and a SQLite file) with a manual clock.</summary>
public sealed class RegistryHarness : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("cloud-registry-");

    public RegistryHarness(long inProcessInspectionLimit = 32L * 1024 * 1024)
    {
        Blobs = new FileSystemBlobStore(Path.Combine(_root.FullName, "models"), Time);
        Table = new SqliteTableStore(Path.Combine(_root.FullName, "cloud.db"), "ModelRegistry", Time);
        Registry = new ModelRegistry(Table, Time);
        Registration = new ModelRegistration(Blobs, Registry, new RegistrationOptions
        {
            IncompleteFolderWait = TimeSpan.FromMinutes(10),
            InProcessInspectionLimit = inProcessInspectionLimit,
            WorkDirectory = Path.Combine(_root.FullName, "work"),
        }, Time, NullLogger<ModelRegistration>.Instance);
    }

    public ManualTimeProvider Time { get; } = new();

    internal FileSystemBlobStore Blobs { get; }

    internal SqliteTableStore Table { get; }

    internal ModelRegistry Registry { get; }

    internal ModelRegistration Registration { get; }

    public static string Root { get; } = FindRoot();

    public static string IrisFolder => Path.Combine(Root, "samples", "models", "iris");

    public static string Tiny(string file) => Path.Combine(Root, "samples", "models", "tiny", file);

    public async Task PutAsync(string path, byte[] content) => await Blobs.PutAsync(path, new MemoryStream(content));

    public Task PutTextAsync(string path, string text) => PutAsync(path, System.Text.Encoding.UTF8.GetBytes(text));

    /// <summary>Uploads the iris sample as {name}/{version}/, model file first and model.json last (as our tools do).</summary>
    public async Task UploadIrisAsync(string version = "1.0.0", string name = "iris")
    {
        await PutAsync($"{name}/{version}/model.onnx", File.ReadAllBytes(Path.Combine(IrisFolder, "model.onnx")));
        await PutAsync($"{name}/{version}/validation.csv", File.ReadAllBytes(Path.Combine(IrisFolder, "validation.csv")));
        await PutTextAsync($"{name}/{version}/model.json", IrisManifest(version, name));
    }

    public static string IrisManifest(string version = "1.0.0", string name = "iris") =>
        File.ReadAllText(Path.Combine(IrisFolder, "model.json"))
            .Replace("\"name\": \"iris\"", $"\"name\": \"{name}\"", StringComparison.Ordinal)
            .Replace("\"version\": \"1.0.0\"", $"\"version\": \"{version}\"", StringComparison.Ordinal);

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _root.Delete(recursive: true);
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Cloud.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Cloud.sln not found.");
    }
}
