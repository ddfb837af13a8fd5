using Cloud.Serving.Batching;
using Cloud.Serving.Telemetry;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cloud.Serving.Tests.Batching;

/// <summary>A batcher named "test 1" over a <see cref="GatedExecutor"/> and a <see cref="TestClock"/>.</summary>
internal sealed class BatcherHarness : IAsyncDisposable
{
    public BatcherHarness(BatchingOptions options, GatedExecutor? executor = null, HeldDispatch? dispatch = null, BatcherTelemetry? telemetry = null)
    {
        Executor = executor ?? new GatedExecutor();
        Batcher = new MicroBatcher<Job, string>(Executor, options, Time, NullLogger.Instance, "test 1", dispatch is null ? null : dispatch.Dispatch, telemetry);
    }

    public TestClock Time { get; } = new();

    public GatedExecutor Executor { get; }

    public MicroBatcher<Job, string> Batcher { get; }

    public BatchStatistics Statistics => Batcher.GetStatistics();

    public Task<string> Submit(int id, int rows = 1, CancellationToken cancellationToken = default) =>
        Batcher.SubmitAsync(new Job(id, rows), cancellationToken).AsTask();

    /// <summary>Submits, then takes the batch it started at once (the batcher was idle or had a free thread).</summary>
    public async Task<(Task<string> Result, BatchCall Call)> SubmitRunning(int id, int rows = 1)
    {
        var result = Submit(id, rows);
        return (result, await Executor.NextCallAsync());
    }

    public async ValueTask DisposeAsync()
    {
        Executor.ReleaseAll();
        await Batcher.DisposeAsync().AsTask().WaitAsync(TestTimeout.Value);
    }
}

/// <summary>Holds batch runs back until the test starts them, standing in for a busy thread pool.</summary>
internal sealed class HeldDispatch
{
    private readonly Queue<Action> _held = new();

    public int Count
    {
        get
        {
            lock (_held)
            {
                return _held.Count;
            }
        }
    }

    public void Dispatch(Action run)
    {
        lock (_held)
        {
            _held.Enqueue(run);
        }
    }

    /// <summary>Begins the oldest held run, on a thread-pool thread as the batcher's own dispatch would.</summary>
    public void RunNext()
    {
        Action run;
        lock (_held)
        {
            run = _held.Dequeue();
        }

        ThreadPool.QueueUserWorkItem(_ => run());
    }
}
