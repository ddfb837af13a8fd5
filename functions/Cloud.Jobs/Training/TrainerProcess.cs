using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace Cloud.Jobs.Training;

/// <summary>How a trainer's process ended.</summary>
/// <param name="ExitCode">Its exit code (128 + the signal for a process a signal ended); null when it timed out.</param>
/// <param name="TimedOut">It ran past its timeout and its process tree was killed.</param>
/// <param name="LastErrorLine">The last non-empty line it wrote to standard error, escaped and shortened; null when none.</param>
internal sealed record TrainerExit(int? ExitCode, bool TimedOut, string? LastErrorLine);

/// <summary>
/// Runs a trainer as a child process: argv without a shell, the environment given and nothing of the host's (which may
/// hold storage keys), no standard input, its standard output and error copied line by line into the job's log. On
/// timeout or cancellation the whole process tree is killed, so a trainer's own children do not outlive the job.
/// </summary>
internal sealed partial class TrainerProcess
{
    /// <summary>Longest line of the trainer's output kept in the log; the rest of a longer line is cut (and said so).</summary>
    public const int MaxLineLength = 2000;

    /// <summary>How much of the trainer's output the job's log takes; beyond it lines are counted, not kept.</summary>
    public const long MaxLoggedChars = 8L * 1024 * 1024;

    /// <summary>How long output still arriving after the trainer ended is read (a child it left may hold its pipes open).</summary>
    private static readonly TimeSpan s_drainWait = TimeSpan.FromSeconds(5);

    private readonly ILogger _log;
    private readonly Lock _lock = new();
    private long _logged;
    private long _dropped;
    private string? _lastErrorLine;

    private TrainerProcess(ILogger log) => _log = log;

    public static async Task<TrainerExit> RunAsync(TrainerCommand command, IReadOnlyDictionary<string, string> environment, TimeSpan timeout, ILogger log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(environment);
        var info = new ProcessStartInfo(command.FileName)
        {
            WorkingDirectory = command.WorkingDirectory,
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = new UTF8Encoding(false),
            StandardErrorEncoding = new UTF8Encoding(false),
        };
        foreach (var argument in command.Arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment.Clear();
        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        var trainer = new TrainerProcess(log);
        using var process = new Process { StartInfo = info };
        try
        {
            process.Start();
        }
        catch (Win32Exception error)
        {
            throw new Runner.JobFailedException($"The trainer {TrainText.Quote(command.Trainer)} could not be started ({TrainText.Quote(command.FileName)}): {error.Message}", error);
        }

        LogStarted(log, command.Trainer, process.Id);
        process.StandardInput.Close();
        var pumps = Task.WhenAll(trainer.PumpAsync(process.StandardOutput, "stdout"), trainer.PumpAsync(process.StandardError, "stderr"));

        using var deadline = new CancellationTokenSource(timeout);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var timedOut = false;
        try
        {
            await process.WaitForExitAsync(stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Kill(process, log);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            await Task.WhenAny(pumps, Task.Delay(s_drainWait, CancellationToken.None)).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            timedOut = true;
        }

        if (!timedOut)
        {
            // A trainer that left a child holding its output open has ended: its output is not waited for forever.
            await Task.WhenAny(pumps, Task.Delay(s_drainWait, CancellationToken.None)).ConfigureAwait(false);
        }

        if (trainer._dropped > 0)
        {
            LogDropped(log, trainer._dropped, MaxLoggedChars);
        }

        return new TrainerExit(timedOut ? null : process.ExitCode, timedOut, trainer._lastErrorLine);
    }

    private static void Kill(Process process, ILogger log)
    {
        try
        {
            // The tree, not the process: a shell's or a data loader's children would otherwise go on without it.
            process.Kill(entireProcessTree: true);
            LogKilled(log, process.Id);
        }
        catch (InvalidOperationException)
        {
            // It ended already.
        }
        catch (Win32Exception)
        {
            // It ended between the check and the kill.
        }
    }

    /// <summary>Copies one stream into the log, a line at a time, each line at most <see cref="MaxLineLength"/> characters.</summary>
    private async Task PumpAsync(StreamReader reader, string stream)
    {
        var buffer = new char[4096];
        var line = new StringBuilder();
        var cut = false;
        try
        {
            int read;
            while ((read = await reader.ReadAsync(buffer, CancellationToken.None).ConfigureAwait(false)) > 0)
            {
                for (var i = 0; i < read; i++)
                {
                    var c = buffer[i];
                    if (c == '\n')
                    {
                        Emit(stream, line, cut);
                        line.Clear();
                        cut = false;
                    }
                    else if (line.Length < MaxLineLength)
                    {
                        line.Append(c);
                    }
                    else
                    {
                        cut = true;
                    }
                }
            }

            if (line.Length > 0)
            {
                Emit(stream, line, cut);
            }
        }
        catch (Exception error) when (error is ObjectDisposedException or IOException)
        {
            // The process and its pipes were disposed while a child it left still held them: nothing more is read.
        }
    }

    private void Emit(string stream, StringBuilder line, bool cut)
    {
        var text = TrainText.Escape(line.ToString().TrimEnd('\r'), MaxLineLength) + (cut ? $" [line cut at {MaxLineLength} characters]" : string.Empty);
        lock (_lock)
        {
            if (stream == "stderr" && text.Trim().Length > 0)
            {
                _lastErrorLine = text.Length > 300 ? text[..300] + "…" : text;
            }

            if (_logged + text.Length > MaxLoggedChars)
            {
                _dropped++;
                return;
            }

            _logged += text.Length;
        }

        LogLine(_log, stream, text);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Trainer {Trainer} started (process {ProcessId})")]
    private static partial void LogStarted(ILogger log, string trainer, int processId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Trainer process {ProcessId} and its children killed")]
    private static partial void LogKilled(ILogger log, int processId);

    [LoggerMessage(Level = LogLevel.Information, Message = "trainer {Stream}: {Line}")]
    private static partial void LogLine(ILogger log, string stream, string line);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Lines} more lines of trainer output were not logged: the log keeps at most {Limit} characters of it")]
    private static partial void LogDropped(ILogger log, long lines, long limit);
}
