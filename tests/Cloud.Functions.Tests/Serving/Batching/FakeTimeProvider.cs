namespace Cloud.Functions.Tests.Serving.Batching;

/// <summary>
/// A clock that moves only on <see cref="Advance"/>, with timers that fire (synchronously, in due order) when it
/// passes their due time. <see cref="ManualTimeProvider"/> has no timers; the batcher's timeout needs them.
/// </summary>
public sealed class FakeTimeProvider : TimeProvider
{
    private static readonly DateTimeOffset Start = new(2026, 11, 22, 9, 0, 0, TimeSpan.Zero);
    private readonly Lock _lock = new();
    private readonly List<FakeTimer> _timers = [];
    private long _ticks;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <summary>Timers that will fire if the clock moves far enough.</summary>
    public int ArmedTimers
    {
        get
        {
            lock (_lock)
            {
                return _timers.Count(t => t.Due is not null);
            }
        }
    }

    public override DateTimeOffset GetUtcNow() => Start + TimeSpan.FromTicks(Interlocked.Read(ref _ticks));

    public override long GetTimestamp() => Interlocked.Read(ref _ticks);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new FakeTimer(this, callback, state);
        lock (_lock)
        {
            _timers.Add(timer);
        }

        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>Moves the clock, firing each timer that falls due on the way, at its due time.</summary>
    public void Advance(TimeSpan by)
    {
        var end = Interlocked.Read(ref _ticks) + by.Ticks;
        while (true)
        {
            FakeTimer? next;
            lock (_lock)
            {
                next = _timers.Where(t => t.Due <= end).MinBy(t => t.Due);
                if (next is null)
                {
                    Interlocked.Exchange(ref _ticks, end);
                    return;
                }

                Interlocked.Exchange(ref _ticks, Math.Max(_ticks, next.Due!.Value));
                next.Due = next.Period is { } period ? next.Due + period : null;
            }

            next.Fire();
        }
    }

    private sealed class FakeTimer(FakeTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        public long? Due { get; set; }

        public long? Period { get; set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (owner._lock)
            {
                Due = dueTime == Timeout.InfiniteTimeSpan ? null : owner._ticks + dueTime.Ticks;
                Period = period == Timeout.InfiniteTimeSpan || period == TimeSpan.Zero ? null : period.Ticks;
            }

            return true;
        }

        public void Fire() => callback(state);

        public void Dispose()
        {
            lock (owner._lock)
            {
                owner._timers.Remove(this);
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
