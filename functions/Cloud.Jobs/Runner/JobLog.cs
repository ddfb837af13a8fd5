using System.Globalization;
using System.Text;

namespace Cloud.Jobs.Runner;

/// <summary>
/// One run's log: a logger whose lines go to a local file (uploaded as the run's log blob when it ends) and to a
/// bounded tail (written to the job row at each heartbeat), and on to the host's logger, where the runner's scope
/// gives them the job id. Lines are "time level message", with an exception's text below its line.
/// </summary>
internal sealed class JobLog : ILogger, IDisposable
{
    private readonly ILogger _host;
    private readonly TimeProvider _time;
    private readonly int _tailLength;
    private readonly StreamWriter _file;
    private readonly Lock _lock = new();
    private readonly StringBuilder _tail = new();

    public JobLog(string path, ILogger host, TimeProvider time, int tailLength)
    {
        _host = host;
        _time = time;
        _tailLength = tailLength;
        _file = new StreamWriter(path, append: false, new UTF8Encoding(false));
        Path = path;
    }

    /// <summary>The local file the lines go to.</summary>
    public string Path { get; }

    /// <summary>The end of the log, at most the tail length.</summary>
    public string Tail
    {
        get
        {
            lock (_lock)
            {
                return _tail.ToString();
            }
        }
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => _host.BeginScope(state);

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information || _host.IsEnabled(logLevel);

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        if (_host.IsEnabled(logLevel))
        {
            _host.Log(logLevel, eventId, state, exception, formatter);
        }

        if (logLevel < LogLevel.Information)
        {
            return;
        }

        var line = string.Create(CultureInfo.InvariantCulture, $"{_time.GetUtcNow():yyyy-MM-ddTHH:mm:ss.fffZ} {Level(logLevel)} {formatter(state, exception)}")
            + (exception is null ? string.Empty : Environment.NewLine + exception);
        lock (_lock)
        {
            _file.WriteLine(line);
            _tail.AppendLine(line);
            if (_tail.Length > _tailLength)
            {
                _tail.Remove(0, _tail.Length - _tailLength);
            }
        }
    }

    /// <summary>Writes what is buffered to the file, so it can be uploaded.</summary>
    public void Flush()
    {
        lock (_lock)
        {
            _file.Flush();
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _file.Dispose();
        }
    }

    private static string Level(LogLevel level) => level switch
    {
        LogLevel.Information => "info ",
        LogLevel.Warning => "warn ",
        LogLevel.Error => "error",
        LogLevel.Critical => "crit ",
        _ => "debug",
    };
}
