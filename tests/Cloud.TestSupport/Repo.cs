namespace Cloud.TestSupport;

/// <summary>Paths of committed files, found from the repository root (the folder holding Cloud.sln).</summary>
public static class Repo
{
    public static string Root { get; } = FindRoot();

    public static string File(params string[] parts) => Path.Combine([Root, .. parts]);

    /// <summary>The iris sample model folder.</summary>
    public static string IrisFolder => File("samples", "models", "iris");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (System.IO.File.Exists(Path.Combine(dir.FullName, "Cloud.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"Cloud.sln not found above {AppContext.BaseDirectory}.");
    }
}
