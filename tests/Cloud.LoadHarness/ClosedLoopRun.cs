using System.Diagnostics;

namespace Cloud.LoadHarness;

/// <summary>
/// The bookkeeping of a one-thread closed-loop client (<see cref="EpollLoad"/>, <see cref="RawGrpcStreamLoad"/>): the
/// clock, the warm-up after which answers count, the end after which no request is sent, the drain after which those
/// still in flight are errors, and the server's and this process's CPU over the measured part.
/// </summary>
internal sealed class ClosedLoopRun(int concurrency, TimeSpan warmup, TimeSpan duration, TimeSpan drain, Func<TimeSpan>? serverCpu) : IDisposable
{
    private readonly List<double> _latencies = new(1 << 16);
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Process _self = Process.GetCurrentProcess();
    private readonly TimeSpan _end = warmup + duration;
    private long _measuredFrom;
    private TimeSpan _server0;
    private TimeSpan _client0;
    private int _errors;
    private string? _firstError;

    public bool Measuring { get; private set; }

    /// <summary>Whether a request may still be sent.</summary>
    public bool Sending => _clock.Elapsed < _end;

    /// <summary>Starts measuring once warm-up has passed; false (the rest counted as errors) once the drain is over.</summary>
    public bool Continue(int inFlight)
    {
        var now = _clock.Elapsed;
        if (!Measuring && now >= warmup)
        {
            _self.Refresh();
            (Measuring, _measuredFrom, _server0, _client0) = (true, _clock.ElapsedTicks, serverCpu?.Invoke() ?? TimeSpan.Zero, _self.TotalProcessorTime);
        }

        if (now >= _end + drain)
        {
            _errors += inFlight;
            _firstError ??= $"{inFlight} requests had no answer {drain.TotalSeconds:F0} s after the run";
            return false;
        }

        return true;
    }

    public void Answered(long sentAt)
    {
        if (Measuring)
        {
            _latencies.Add(Stopwatch.GetElapsedTime(sentAt).TotalMilliseconds);
        }
    }

    /// <summary>An error answer; <paramref name="always"/> counts it during warm-up too (a broken connection).</summary>
    public void Failed(Func<string> error, bool always = false)
    {
        if (Measuring || always)
        {
            _errors++;
            _firstError ??= error();
        }
    }

    public LoadGenerator.Result Result()
    {
        var seconds = (_clock.ElapsedTicks - _measuredFrom) / (double)Stopwatch.Frequency;
        _self.Refresh();
        var (server1, client1) = (serverCpu?.Invoke() ?? TimeSpan.Zero, _self.TotalProcessorTime);
        _latencies.Sort();
        return new LoadGenerator.Result(concurrency, [.. _latencies], _errors, seconds, _firstError, server1 - _server0, client1 - _client0);
    }

    public void Dispose() => _self.Dispose();
}
