namespace Cloud.Functions.Tests;

/// <summary>Paths of the committed sample models, found from the repository root.</summary>
internal static class Samples
{
    public static string Root { get; } = FindRoot();

    public static string Tiny(string file) => Path.Combine(Root, "samples", "models", "tiny", file);

    public static string Iris(string file) => Path.Combine(Root, "samples", "models", "iris", file);

    public static string Bench(string model, string file) => Path.Combine(Root, "samples", "models", "bench", model, file);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Cloud.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"Cloud.sln not found above {AppContext.BaseDirectory}.");
    }
}
