using System.Globalization;
using Cloud.Jobs.Runner;

namespace Cloud.Jobs.Training;

/// <summary>
/// One run of a trainer under the trainer contract (docs/jobs.md, "The trainer contract"): the hyper-parameter file,
/// the environment, the process with its timeout (the tree killed past it), and the curve followed while it runs. A
/// train job makes one; a tune job one per trial. Ends with <see cref="JobFailedException"/> when the trainer times
/// out or exits non-zero, naming the exit code and its last error line.
/// </summary>
internal static partial class TrainerRun
{
    /// <returns>The curve's points.</returns>
    public static async Task<int> RunAsync(TrainerCommand command, TrainFolders work, string dataset, TrainSpec spec, HyperParameters hyperParameters,
        TimeSpan timeout, TrainingCurve curve, ILogger log, CancellationToken cancellationToken)
    {
        await File.WriteAllBytesAsync(work.HyperParameters, hyperParameters.ToJson(), cancellationToken).ConfigureAwait(false);
        var environment = Environment(work, dataset, spec, hyperParameters);
        var shown = string.Join(' ', spec.Command.Select(a => TrainText.Escape(a, 100)));
        LogRunning(log, shown, timeout, spec.CudaVisibleDevices.Length == 0 ? "none (CPU)" : spec.CudaVisibleDevices);

        TrainerExit exit;
        using (var stopFollowing = new CancellationTokenSource())
        {
            var following = curve.FollowAsync(stopFollowing.Token);
            try
            {
                exit = await TrainerProcess.RunAsync(command, environment, timeout, log, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                await stopFollowing.CancelAsync().ConfigureAwait(false);
                await following.ConfigureAwait(false);
                await curve.FinishAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }

        if (exit.TimedOut)
        {
            throw new JobFailedException($"The trainer ran past its timeout of {timeout:c} and was stopped, with every process it started.");
        }

        if (exit.ExitCode != 0)
        {
            throw new JobFailedException(string.Create(CultureInfo.InvariantCulture,
                $"The trainer exited with code {exit.ExitCode}; {(exit.LastErrorLine is { } line ? $"its last error line: {line}" : "it wrote nothing to standard error")}"));
        }

        LogTrained(log, curve.Points, curve.Last ?? "none");
        return curve.Points;
    }

    /// <summary>
    /// The trainer's whole environment: the contract's variables, and of the host's only PATH (and LD_LIBRARY_PATH, where
    /// CUDA's libraries may be found) — never the rest, which may hold storage keys.
    /// </summary>
    private static Dictionary<string, string> Environment(TrainFolders work, string dataset, TrainSpec spec, HyperParameters hyperParameters)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PATH"] = System.Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/bin:/usr/bin:/bin",
            ["HOME"] = work.Home,
            ["TMPDIR"] = work.Temp,
            ["LANG"] = "C.UTF-8",
            ["PYTHONUNBUFFERED"] = "1",
            ["PYTHONDONTWRITEBYTECODE"] = "1",
        };
        if (System.Environment.GetEnvironmentVariable("LD_LIBRARY_PATH") is { Length: > 0 } libraries)
        {
            environment["LD_LIBRARY_PATH"] = libraries;
        }

        foreach (var (name, value) in hyperParameters.ToEnvironment())
        {
            environment[name] = value;
        }

        // After the hyper-parameters, though their prefix keeps them apart: the contract's variables are never overridden.
        environment["CLOUD_DATASET"] = dataset;
        environment["CLOUD_OUTPUT"] = work.Output;
        environment["CLOUD_HPARAMS"] = work.HyperParameters;
        environment["CLOUD_METRICS"] = work.Metrics;
        environment["CLOUD_MODEL"] = spec.Model;
        environment["CUDA_VISIBLE_DEVICES"] = spec.CudaVisibleDevices;
        if (spec.Parent is not null)
        {
            environment["CLOUD_PARENT"] = work.Parent;
        }

        return environment;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Running trainer {Command} (timeout {Timeout}, GPUs {Gpus})")]
    private static partial void LogRunning(ILogger log, string command, TimeSpan timeout, string gpus);

    [LoggerMessage(Level = LogLevel.Information, Message = "The trainer succeeded; curve: {Points} points, the last {Last}")]
    private static partial void LogTrained(ILogger log, int points, string last);
}
