using Cloud.Host.Tests.Http;
using Cloud.Registry.Registration;

namespace Cloud.Host.Tests;

/// <summary>
/// What killed processes leave in the data folder, made by hand as they leave it, is gone once a host has started;
/// what live processes are writing (another host's upload and registration) is kept.
/// </summary>
public sealed class LeftoverCleanupTests : IDisposable
{
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("cloud-leftovers-");

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _data.Delete(recursive: true);
    }

    [Fact]
    public async Task AStartingHostDeletesWhatKilledProcessesLeftAndKeepsWhatLiveOnesWrite()
    {
        var twoHoursAgo = DateTime.UtcNow.AddHours(-2);
        // A host killed during a 200 MB upload: the partial file in the store's upload folder, unwritten since.
        var abandonedUpload = Leftover(twoHoursAgo, "models", ".uploads", Guid.NewGuid().ToString("N"));
        // ...and during registration's copy of a model into the registered container.
        var abandonedCopy = Leftover(twoHoursAgo, "models-registered", ".uploads", Guid.NewGuid().ToString("N"));
        // Another host's upload, arriving now.
        var liveUpload = Leftover(DateTime.UtcNow, "models", ".uploads", Guid.NewGuid().ToString("N"));
        // A host killed during registration: its work folder with a work copy of the model and its (now free) lock.
        var killedWork = Path.GetDirectoryName(Leftover(DateTime.UtcNow, "work", "0123456789abcdef0123456789abcdef", "model.onnx"))!;
        Leftover(DateTime.UtcNow, "work", "0123456789abcdef0123456789abcdef", ".lock");
        // A host from before work folders had owners, killed during registration.
        var looseWork = Leftover(twoHoursAgo, "work", $"cloud-register-{Guid.NewGuid():N}.onnx");
        // Another host registering right now, in its own locked work folder.
        using var liveWork = new WorkFolder(Path.Combine(_data.FullName, "work"));
        var liveCopy = liveWork.NewFile(".onnx");
        File.WriteAllText(liveCopy, "being inspected");

        await using (var host = await ServingHost.StartAsync(("Cloud:Storage:DataDirectory", _data.FullName)))
        {
            Assert.False(File.Exists(abandonedUpload));
            Assert.False(File.Exists(abandonedCopy));
            Assert.False(Directory.Exists(killedWork));
            Assert.False(File.Exists(looseWork));
            Assert.True(File.Exists(liveUpload));
            Assert.True(File.Exists(liveCopy));
            // The host's own work folder, and nothing else, besides the live one.
            Assert.Equal(2, Directory.GetDirectories(Path.Combine(_data.FullName, "work")).Length);
        }
    }

    private string Leftover(DateTime lastWritten, params string[] path)
    {
        var file = Path.Combine([_data.FullName, .. path]);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllText(file, "left behind");
        File.SetLastWriteTimeUtc(file, lastWritten);
        return file;
    }
}
