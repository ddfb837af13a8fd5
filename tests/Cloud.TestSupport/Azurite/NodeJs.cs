namespace Cloud.TestSupport;

/// <summary>Where Node.js is, found once on PATH; Azurite runs on it.</summary>
public static class NodeJs
{
    private static readonly Lazy<string?> Found = new(() => Find(OperatingSystem.IsWindows() ? "node.exe" : "node"));

    /// <summary>The node executable, or null when it is not on PATH.</summary>
    public static string? Path => Found.Value;

    /// <summary>Why Azurite tests are skipped, or null when they can run.</summary>
    public static string? MissingReason => Path is null ? "Azurite needs Node.js, and 'node' is not on PATH." : null;

    /// <summary>The first <paramref name="fileName"/> on PATH, or null.</summary>
    public static string? Find(string fileName) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => System.IO.Path.Combine(directory, fileName))
            .FirstOrDefault(File.Exists);
}
