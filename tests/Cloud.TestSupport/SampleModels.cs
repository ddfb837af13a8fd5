namespace Cloud.TestSupport;

/// <summary>The committed sample models the tests upload, register and serve.</summary>
public static class SampleModels
{
    /// <summary>The iris sample's model.json with another name and version (the folder's files are otherwise the sample's).</summary>
    public static string IrisManifest(string version = "1.0.0", string name = "iris") =>
        File.ReadAllText(Path.Combine(Repo.IrisFolder, "model.json"))
            .Replace("\"name\": \"iris\"", $"\"name\": \"{name}\"", StringComparison.Ordinal)
            .Replace("\"version\": \"1.0.0\"", $"\"version\": \"{version}\"", StringComparison.Ordinal);

    /// <summary>One of the tiny per-type test models (samples/models/tiny).</summary>
    public static string Tiny(string file) => Repo.File("samples", "models", "tiny", file);

    /// <summary>A file of the iris sample.</summary>
    public static string Iris(string file) => Path.Combine(Repo.IrisFolder, file);

    /// <summary>A file of a benchmark model (samples/models/bench/{model}).</summary>
    public static string Bench(string model, string file) => Repo.File("samples", "models", "bench", model, file);
}
