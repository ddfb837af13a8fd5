using Cloud.Registry.Registration;

namespace Cloud.Registry.Tests.Registration;

/// <summary>
/// Each process registers in a work folder of its own, locked while it lives: a starting host deletes the folders of
/// dead processes (and loose files of older hosts) and keeps those of live ones.
/// </summary>
public sealed class WorkFolderTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("cloud-work-");

    public void Dispose() => _root.Delete(recursive: true);

    [Fact]
    public void FoldersOfDeadProcessesAndLooseFilesAreDeletedAndThoseOfLiveOnesKept()
    {
        // A killed registration's folder: its work copy of a model, and its lock file, which nobody holds any more.
        var dead = Directory.CreateDirectory(Path.Combine(_root.FullName, "dead"));
        File.WriteAllText(Path.Combine(dead.FullName, "model.onnx"), "50 MB in real life");
        File.WriteAllText(Path.Combine(dead.FullName, ".lock"), "");
        var loose = Path.Combine(_root.FullName, "cloud-register-0123.onnx"); // what hosts before owned folders left
        File.WriteAllText(loose, "x");
        using var live = new WorkFolder(_root.FullName); // another host, registering right now
        File.WriteAllText(live.NewFile(".onnx"), "in use");
        using var starting = new WorkFolder(_root.FullName);

        var deleted = starting.DeleteAbandoned();

        Assert.Equal(2, deleted);
        Assert.False(dead.Exists);
        Assert.False(File.Exists(loose));
        Assert.Single(Directory.GetFiles(live.Folder, "*.onnx"));
        Assert.True(Directory.Exists(starting.Folder));
    }

    [Fact]
    public void AFolderIsDeletedWhenItsProcessEndsCleanly()
    {
        var work = new WorkFolder(_root.FullName);
        File.WriteAllText(work.NewFile(".onnx"), "x");

        work.Dispose();

        Assert.Empty(_root.GetFileSystemInfos());
    }
}
