namespace Cloud.Host.Tests.Dashboard;

/// <summary>
/// The dashboard host's trainers root (<c>Cloud:Jobs:TrainersRoot</c>): the repository's logreg sample trainer, as a
/// deployment puts it there, <see cref="Paced"/>, a trainer the test paces, and <see cref="Fails"/>. A trainer must live inside the root
/// (links out of it are refused), so both are copied into a temporary folder rather than written into samples/.
/// </summary>
internal static class DashboardTrainers
{
    public const string Logreg = "logreg/train.py";

    /// <summary>
    /// Writes "progress n" and a curve point once the file n exists in the folder given as its argument, and ends —
    /// with no model, so its job fails — once "end" exists there: the test decides when each line is written, so
    /// what the open page must show next is known, however slow the machine.
    /// </summary>
    public const string Paced = "dashboard/paced.sh";

    private const string PacedScript = """
        #!/bin/sh
        gate="$1"
        n=1
        while [ ! -e "$gate/end" ]; do
          if [ -e "$gate/$n" ]; then
            echo "progress $n"
            printf '{"step": %d, "loss": %d}\n' "$n" $((100 / n)) >> "$CLOUD_METRICS"
            n=$((n + 1))
          else
            sleep 0.1
          fi
        done
        echo "progress: the test ended the run"

        """;

    /// <summary>A trainer that fails at once, with an error line of its own (and no machine's path, unlike a missing trainer's message).</summary>
    public const string Fails = "dashboard/fails.sh";

    private const string FailsScript = """
        #!/bin/sh
        echo "fails.sh: exits with 3 before training, as a broken trainer does" >&2
        exit 3

        """;

    public static string Create()
    {
        var root = Directory.CreateTempSubdirectory("cloud-dashboard-trainers-").FullName;
        Directory.CreateDirectory(Path.Combine(root, "logreg"));
        File.Copy(Repo.File("samples", "trainers", "logreg", "train.py"), Path.Combine(root, "logreg", "train.py"));
        Directory.CreateDirectory(Path.Combine(root, "dashboard"));
        File.WriteAllText(Path.Combine(root, "dashboard", "paced.sh"), PacedScript.Replace("\r\n", "\n", StringComparison.Ordinal));
        File.WriteAllText(Path.Combine(root, "dashboard", "fails.sh"), FailsScript.Replace("\r\n", "\n", StringComparison.Ordinal));
        return root;
    }
}

/// <summary>A run of <see cref="DashboardTrainers.Paced"/>: its gate folder, where the test lets it write its next line or end.</summary>
internal sealed class PacedRun(string job)
{
    private int _released;

    public string Job { get; } = job;

    public string Gate { get; } = Directory.CreateTempSubdirectory("cloud-paced-").FullName;

    /// <summary>Lets the trainer write its next line ("progress n", n from 1) and curve point; returns n.</summary>
    public int Next()
    {
        _released++;
        File.WriteAllText(Path.Combine(Gate, _released.ToString(System.Globalization.CultureInfo.InvariantCulture)), "");
        return _released;
    }

    public void End() => File.WriteAllText(Path.Combine(Gate, "end"), "");
}
