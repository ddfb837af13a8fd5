using Cloud.Jobs.Runner;

namespace Cloud.Jobs.Training;

/// <summary>
/// The program a train job runs, resolved from its argv against the trainers root (<c>Cloud:Jobs:TrainersRoot</c>).
/// The first element is always a trainer inside the root, as a relative path ("logreg/train.py"): never an absolute
/// path, a '..' segment, or a link out of the root, so a job can run only what the deployment put there. A <c>.py</c>
/// trainer runs under the configured Python (<c>Cloud:Jobs:Python</c>), a <c>.sh</c> one under /bin/sh, anything else
/// is executed itself. The other elements are the trainer's arguments, passed as they are: there is no shell.
/// </summary>
internal sealed record TrainerCommand(string FileName, IReadOnlyList<string> Arguments, string Trainer, string WorkingDirectory)
{
    public static TrainerCommand Resolve(IReadOnlyList<string> argv, string trainersRoot, string python)
    {
        ArgumentNullException.ThrowIfNull(argv);
        var root = Path.GetFullPath(trainersRoot);
        if (!Directory.Exists(root))
        {
            throw new JobFailedException($"The trainers root {TrainText.Quote(root)} (Cloud:Jobs:TrainersRoot) does not exist on this worker.");
        }

        var trainer = argv[0];
        var shown = TrainText.Quote(trainer);
        if (Path.IsPathRooted(trainer) || trainer.Contains('\\', StringComparison.Ordinal)
            || trainer.Split('/').Any(segment => segment is "" or "." or ".."))
        {
            throw new JobFailedException($"The trainer {shown} is not a relative path inside the trainers root: name it as a path below Cloud:Jobs:TrainersRoot, such as \"logreg/train.py\", without '.', '..', '\\\\' or a leading '/'.");
        }

        var path = Resolve(root, trainer.Split('/'), shown);
        if (!File.Exists(path))
        {
            throw new JobFailedException($"The trainer {shown} does not exist in the trainers root {TrainText.Quote(root)}.");
        }

        var rest = argv.Skip(1).ToList();
        return Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".py" => new TrainerCommand(python, ["-u", path, .. rest], trainer, root),
            ".sh" => new TrainerCommand("/bin/sh", [path, .. rest], trainer, root),
            _ => new TrainerCommand(path, rest, trainer, root),
        };
    }

    /// <summary>
    /// The trainer's path with every link below the root followed, each of which must stay inside the root: a link
    /// inside the root may point anywhere, and the file the job finally runs is what counts.
    /// </summary>
    private static string Resolve(string root, string[] segments, string shown)
    {
        var realRoot = new DirectoryInfo(root).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? root;
        var current = realRoot;
        foreach (var segment in segments)
        {
            current = Path.Combine(current, segment);
            FileSystemInfo entry = Directory.Exists(current) ? new DirectoryInfo(current) : new FileInfo(current);
            if (entry.LinkTarget is null)
            {
                continue;
            }

            var target = entry.ResolveLinkTarget(returnFinalTarget: true)?.FullName;
            if (target is null || !IsInside(realRoot, target))
            {
                throw new JobFailedException($"The trainer {shown} goes through a link that leads out of the trainers root; trainers must live inside it.");
            }

            current = target;
        }

        return current;
    }

    private static bool IsInside(string root, string path) =>
        path.StartsWith(root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar, StringComparison.Ordinal);
}
