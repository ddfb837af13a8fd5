namespace Cloud.Jobs.Training;

/// <summary>A trainer run's folders and files, inside its job's work folder (deleted when the run ends).</summary>
internal sealed record TrainFolders(string Dataset, string Output, string Parent, string Home, string Temp, string HyperParameters, string Metrics, string Curve)
{
    public static TrainFolders Create(string root)
    {
        var (output, home, temp, hyperParameters, metrics, curve) = Own(root);
        return new TrainFolders(Folder(root, "dataset"), output, Folder(root, "parent"), home, temp, hyperParameters, metrics, curve);
    }

    /// <summary>A run of its own under <paramref name="root"/> that reads this run's dataset and parent (a tune job's trial).</summary>
    public TrainFolders ForRunIn(string root)
    {
        var (output, home, temp, hyperParameters, metrics, curve) = Own(root);
        return this with { Output = output, Home = home, Temp = temp, HyperParameters = hyperParameters, Metrics = metrics, Curve = curve };
    }

    private static (string, string, string, string, string, string) Own(string root) =>
        (Folder(root, "output"), Folder(root, "home"), Folder(root, "tmp"),
            Path.Combine(root, "hparams.json"), Path.Combine(root, "metrics.jsonl"), Path.Combine(root, "curve.jsonl"));

    private static string Folder(string root, string name) => Directory.CreateDirectory(Path.Combine(root, name)).FullName;
}
