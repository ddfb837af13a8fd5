using System.Threading.Channels;
using Cloud.Serving.Batching;

namespace Cloud.Serving.Tests.Batching;

/// <summary>A request in these tests: an id to tell callers apart, a row count, and whether it cannot be stacked.</summary>
internal sealed record Job(int Id, int Rows = 1, bool Alone = false);

/// <summary>
/// An executor whose batches each wait for the test to release (or fail) them, so tests decide exactly when a
/// batch thread frees up. Each batch's result for job N is "rN".
/// </summary>
internal sealed class GatedExecutor : IBatchExecutor<Job, string>
{
    private readonly Channel<BatchCall> _calls = Channel.CreateUnbounded<BatchCall>();
    private readonly List<BatchCall> _all = [];
    private bool _releasedAll;
    private int _running;
    private int _maxRunning;

    /// <summary>False runs every batch at once.</summary>
    public bool Gated { get; init; } = true;

    /// <summary>How many results a batch returns; wrong on purpose in one test.</summary>
    public Func<IReadOnlyList<Job>, IReadOnlyList<string>> Results { get; init; } = jobs => [.. jobs.Select(j => $"r{j.Id}")];

    /// <summary>The most batches that were inside the executor at once.</summary>
    public int MaxRunning => Volatile.Read(ref _maxRunning);

    public int RowsOf(Job item) => item.Rows;

    public bool RunsAlone(Job item) => item.Alone;

    public async ValueTask<IReadOnlyList<string>> ExecuteAsync(IReadOnlyList<Job> items, int paddedRows, CancellationToken cancellationToken)
    {
        var running = Interlocked.Increment(ref _running);
        InterlockedMax(ref _maxRunning, running);
        var call = new BatchCall([.. items], paddedRows);
        lock (_all)
        {
            _all.Add(call);
            if (_releasedAll)
            {
                call.Release();
            }
        }

        _calls.Writer.TryWrite(call);
        try
        {
            if (Gated)
            {
                await call.Gate.Task;
            }

            return Results(items);
        }
        finally
        {
            Interlocked.Decrement(ref _running);
        }
    }

    /// <summary>The next batch the executor was given; fails the test rather than hang if none comes.</summary>
    public Task<BatchCall> NextCallAsync() => _calls.Reader.ReadAsync().AsTask().WaitAsync(TestTimeout.Value);

    /// <summary>Whether a batch reached the executor that no test has taken with <see cref="NextCallAsync"/>.</summary>
    public bool HasUnreadCall => _calls.Reader.TryPeek(out _);

    /// <summary>Releases every batch, and lets later ones run at once (so disposal never waits on a gate).</summary>
    public void ReleaseAll()
    {
        lock (_all)
        {
            _releasedAll = true;
            foreach (var call in _all)
            {
                call.Release();
            }
        }
    }

    private static void InterlockedMax(ref int target, int value)
    {
        for (var current = Volatile.Read(ref target); value > current; current = Volatile.Read(ref target))
        {
            if (Interlocked.CompareExchange(ref target, value, current) == current)
            {
                return;
            }
        }
    }
}

/// <summary>One batch handed to the executor.</summary>
internal sealed record BatchCall(IReadOnlyList<Job> Items, int PaddedRows)
{
    public TaskCompletionSource Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IEnumerable<int> Ids => Items.Select(j => j.Id);

    public void Release() => Gate.TrySetResult();

    public void Fail(Exception exception) => Gate.TrySetException(exception);
}
