using Microsoft.Extensions.Time.Testing;

namespace Cloud.TestSupport;

/// <summary>
/// The tests' clock: Microsoft.Extensions.TimeProvider.Testing's <see cref="FakeTimeProvider"/> (moves only on Advance;
/// timers fire in due order as it passes them), starting at a fixed date, and also counting the timers that are armed —
/// the batcher's tests assert that it never waits on a timer while idle, which the package's clock cannot tell.
/// </summary>
public sealed class TestClock : FakeTimeProvider
{
    private int _armed;

    public TestClock()
        : base(new DateTimeOffset(2026, 11, 22, 9, 0, 0, TimeSpan.Zero))
    {
    }

    /// <summary>Timers that will fire if the clock moves far enough.</summary>
    public int ArmedTimers => Volatile.Read(ref _armed);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var counted = new CountedTimer(this);
        counted.Inner = base.CreateTimer(s => counted.Fired(callback, s), state, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        counted.Change(dueTime, period);
        return counted;
    }

    private sealed class CountedTimer(TestClock owner) : ITimer
    {
        private readonly Lock _lock = new();
        private bool _armed;
        private bool _periodic;

        public ITimer Inner { get; set; } = null!;

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (_lock)
            {
                SetArmed(dueTime != Timeout.InfiniteTimeSpan);
                _periodic = period != Timeout.InfiniteTimeSpan && period != TimeSpan.Zero;
            }

            return Inner.Change(dueTime, period);
        }

        public void Fired(TimerCallback callback, object? state)
        {
            lock (_lock)
            {
                // A one-shot timer is spent once it fires; a periodic one stays armed.
                SetArmed(_periodic);
            }

            callback(state);
        }

        public void Dispose()
        {
            lock (_lock)
            {
                SetArmed(false);
            }

            Inner.Dispose();
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }

        private void SetArmed(bool armed)
        {
            if (armed != _armed)
            {
                Interlocked.Add(ref owner._armed, armed ? 1 : -1);
                _armed = armed;
            }
        }
    }
}
