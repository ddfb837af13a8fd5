using Cloud.Jobs.Runner;

namespace Cloud.Jobs.Tests.Runner;

/// <summary>A handler that does what the test gives it and counts its runs and how many ran at once.</summary>
internal sealed class TestHandler(string kind, Func<JobContext, CancellationToken, Task<JobResult>> run) : IJobHandler
{
    private int _runs;
    private int _running;
    private int _mostAtOnce;

    public string Kind => kind;

    public int Runs => Volatile.Read(ref _runs);

    public int MostAtOnce => Volatile.Read(ref _mostAtOnce);

    /// <summary>Completes when a run has started.</summary>
    public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static TestHandler Succeeding(string kind = "count") => new(kind, (_, _) => Task.FromResult(new JobResult("done")));

    public static TestHandler Throwing(string kind, Func<Exception> error) => new(kind, (_, _) => throw error());

    /// <summary>Runs until its token fires.</summary>
    public static TestHandler Blocking(string kind = "block") => new(kind, async (_, token) =>
    {
        await Task.Delay(Timeout.Infinite, token);
        return new JobResult("never");
    });

    public async Task<JobResult> RunAsync(JobContext context, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _runs);
        var now = Interlocked.Increment(ref _running);
        int most;
        while ((most = Volatile.Read(ref _mostAtOnce)) < now && Interlocked.CompareExchange(ref _mostAtOnce, now, most) != most)
        {
        }

        Started.TrySetResult();
        try
        {
            return await run(context, cancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref _running);
        }
    }
}
