namespace Cloud.TestSupport;

/// <summary>A temporary folder of a test's own, deleted with its contents when disposed.</summary>
public sealed class TempFolder : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("cloud-folder-");

    public string Path => _directory.FullName;

    public void Dispose() => _directory.Delete(recursive: true);
}
