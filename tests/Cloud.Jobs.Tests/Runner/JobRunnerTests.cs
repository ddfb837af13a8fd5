using Cloud.Jobs.Ledger;
using Cloud.Jobs.Runner;
using Cloud.Sdk.Jobs;
using Microsoft.Extensions.Logging;

namespace Cloud.Jobs.Tests.Runner;

/// <summary>
/// The runner on the embedded queue and table, on the real clock with short locks (JobsHarness.Quick: 2 s locks,
/// 200 ms heartbeats, 3 runs at most): redelivery, a runner that dies, retries and dead-lettering, failures a retry
/// cannot fix, cancellation, timeout, concurrency, logs, and draining.
/// </summary>
public sealed partial class JobRunnerTests : IAsyncDisposable
{
    private readonly RegistryHarness _registry = new();
    private readonly JobsHarness _jobs;
    private readonly List<JobRunner> _runners = [];

    public JobRunnerTests()
    {
        _jobs = new JobsHarness(_registry);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var runner in _runners)
        {
            await runner.StopAsync(CancellationToken.None);
            runner.Dispose();
        }

        await _jobs.DisposeAsync();
        _registry.Dispose();
    }

    [Fact]
    public async Task AMessageDeliveredThreeTimesRunsItsJobOnce()
    {
        var handler = TestHandler.Succeeding();
        await SubmitAsync("job-1", "count");
        // The first two completions are lost: the message comes back twice after the job succeeded.
        var queue = new LockLosingQueue(_jobs.Queue, losses: 2);
        await StartAsync(handler, queue: queue);

        await Eventually.TrueAsync(QueueIsDrainedAsync, "the third delivery to be completed");
        var job = await _jobs.JobAsync("job-1");
        Assert.Equal((JobStatus.Succeeded, 1, 1), (job!.Status, job.Attempts, handler.Runs));
    }

    [Fact]
    public async Task AJobWhoseRunnerDiedMidJobIsRunAgainOnceItsLockRunsOutAndSucceeds()
    {
        await SubmitAsync("job-1", "count");
        // A runner takes the message and starts the job, then dies: no heartbeat, no settlement.
        await using var deadQueue = _jobs.OpenQueue();
        var dead = await deadQueue.ReceiveAsync(TestTimeout.Value, CancellationToken.None);
        var started = await _jobs.Ledger.StartAsync(dead!.Message, "dead-runner:1", _jobs.Options.MaxDeliveryCount, CancellationToken.None);
        Assert.Equal(JobStartKind.Started, started.Kind);

        var handler = TestHandler.Succeeding();
        await StartAsync(handler);
        var job = await _jobs.WaitForAsync("job-1", j => j.Status == JobStatus.Succeeded, "the job to succeed on the second runner");

        Assert.Equal((2, 1, JobRunner.Worker), (job.Attempts, handler.Runs, job.Worker));
        // The row is written before the message is settled: the settlement follows.
        await Eventually.TrueAsync(QueueIsDrainedAsync, "the message to be settled");
    }

    [Fact]
    public async Task ARunnerThatStopsMidJobHandsItBackAtOnceAndTheNextRunnerFinishesIt()
    {
        var handler = new TestHandler("once", async (context, token) =>
        {
            if (context.Run == 1)
            {
                await Task.Delay(Timeout.Infinite, token);
            }

            return new JobResult("done");
        });
        await SubmitAsync("job-1", "once");
        using (var stopping = _jobs.Runner([handler]))
        {
            await stopping.StartAsync(CancellationToken.None);
            await handler.Started.Task.WaitAsync(TestTimeout.Value);
            await stopping.StopAsync(CancellationToken.None);
        }

        var handedBack = await _jobs.JobAsync("job-1");
        await StartAsync(handler);
        var job = await _jobs.WaitForAsync("job-1", j => j.Status == JobStatus.Succeeded, "the next runner to finish the job");

        Assert.Equal((JobStatus.Queued, "The runner stopped mid-job (its host shut down)."), (handedBack!.Status, handedBack.Error));
        Assert.Equal((2, 2), (job.Attempts, handler.Runs));
    }

    [Fact]
    public async Task AJobThatAlwaysFailsIsDeadLetteredAfterMaxDeliveryCountRunsWithItsError()
    {
        var handler = TestHandler.Throwing("flaky", () => new InvalidOperationException("the store is down"));
        await SubmitAsync("job-1", "flaky");
        await StartAsync(handler);

        var job = await _jobs.WaitForAsync("job-1", j => j.Status == JobStatus.DeadLettered, "the job to be dead-lettered");

        Assert.Equal((3, 3), (job.Attempts, handler.Runs));
        Assert.Equal("Failed 3 times (Cloud:Jobs:MaxDeliveryCount is 3); the last error: InvalidOperationException: the store is down", job.Error);
        await Eventually.TrueAsync(async () => (await _jobs.Queue.PeekDeadLettersAsync(10, CancellationToken.None)).Count == 1, "the message to reach the dead letters");
        var dead = Assert.Single(await _jobs.Queue.PeekDeadLettersAsync(10, CancellationToken.None));
        Assert.Equal(("job-1:3", JobRunner.DeadLetterReason, job.Error), (dead.MessageId, dead.Reason, dead.Description));
    }

    [Fact]
    public async Task AFailureThatRetryingCannotFixFailsTheJobAtOnceWithItsReason()
    {
        var handler = TestHandler.Throwing("bad-data", () => new JobFailedException("Dataset 'validation.csv' has no column 'species'."));
        await SubmitAsync("job-1", "bad-data");
        await StartAsync(handler);

        var job = await _jobs.WaitForAsync("job-1", j => j.Status == JobStatus.Failed, "the job to fail");

        Assert.Equal((1, "Dataset 'validation.csv' has no column 'species'."), (job.Attempts, job.Error));
        Assert.NotNull(job.FinishedAt);
        Assert.Empty(await _jobs.Queue.PeekDeadLettersAsync(10, CancellationToken.None));
        // The row is written before the message is settled: the settlement follows.
        await Eventually.TrueAsync(QueueIsDrainedAsync, "the message to be settled");
    }

    [Fact]
    public async Task CancellingARunningJobStopsItsHandlerAndRecordsItCancelled()
    {
        var handler = TestHandler.Blocking();
        await SubmitAsync("job-1", "block");
        await StartAsync(handler);
        await handler.Started.Task.WaitAsync(TestTimeout.Value);

        var asked = await _jobs.Ledger.CancelAsync("job-1", CancellationToken.None);
        var job = await _jobs.WaitForAsync("job-1", j => j.Status == JobStatus.Cancelled, "the runner to stop the job");

        Assert.Equal((JobStatus.Running, true), (asked!.Status, asked.CancelRequested));
        Assert.Equal("Cancelled through the management API.", job.Error);
        // The row is written before the message is settled: the settlement follows.
        await Eventually.TrueAsync(QueueIsDrainedAsync, "the message to be settled");
    }

    [Fact]
    public async Task ACancelledQueuedJobNeverRunsAndItsMessageIsDropped()
    {
        var handler = TestHandler.Succeeding();
        await SubmitAsync("job-1", "count");

        var cancelled = await _jobs.Ledger.CancelAsync("job-1", CancellationToken.None);
        await StartAsync(handler);
        await Eventually.TrueAsync(QueueIsDrainedAsync, "the message to be dropped");

        Assert.Equal(JobStatus.Cancelled, cancelled!.Status);
        Assert.Equal(0, handler.Runs);
        var refused = await Assert.ThrowsAsync<Cloud.Registry.RegistryException>(() => _jobs.Ledger.CancelAsync("job-1", CancellationToken.None));
        Assert.Equal("Job 'job-1' is cancelled already; there is nothing to cancel.", refused.Message);
    }

    [Fact]
    public async Task AJobThatRunsPastItsTimeoutFailsWithoutRetry()
    {
        var handler = TestHandler.Blocking();
        await SubmitAsync("job-1", "block");
        await StartAsync(handler, _jobs.Options with { JobTimeout = TimeSpan.FromMilliseconds(500) });

        var job = await _jobs.WaitForAsync("job-1", j => j.Status == JobStatus.Failed, "the job to time out");

        Assert.Equal((1, "Timed out after 00:00:00.5000000 (Cloud:Jobs:JobTimeout)."), (job.Attempts, job.Error));
    }

    [Fact]
    public async Task TheRunnerRunsAtMostItsConcurrencyAtOnce()
    {
        var handler = new TestHandler("slow", async (_, token) =>
        {
            await Task.Delay(300, token);
            return new JobResult("done");
        });
        for (var i = 1; i <= 5; i++)
        {
            await SubmitAsync($"job-{i}", "slow");
        }

        await StartAsync(handler, _jobs.Options with { Concurrency = 2 });
        await Eventually.TrueAsync(async () => (await _jobs.Ledger.ListAsync(null, JobStatus.Succeeded, CancellationToken.None)).Count == 5, "every job to succeed");

        Assert.Equal(2, handler.MostAtOnce);
    }

    [Fact]
    public async Task TheRowKeepsTheLogsTailAndTheJobsContainerTheWholeLog()
    {
        var handler = new TestHandler("chatty", (context, _) =>
        {
            for (var line = 1; line <= 500; line++)
            {
                LogLine(context.Log, line);
            }

            return Task.FromResult(new JobResult("said 500 lines"));
        });
        await SubmitAsync("job-1", "chatty");
        await StartAsync(handler);

        var job = await _jobs.WaitForAsync("job-1", j => j.Status == JobStatus.Succeeded, "the job to succeed");
        using var log = new StreamReader((await new JobFiles(_jobs.Files).OpenLatestLogAsync("job-1", CancellationToken.None))!.Content);
        var lines = (await log.ReadToEndAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal("said 500 lines", job.Summary);
        Assert.True(job.LogTail!.Length <= JobRows.MaxTailLength, $"the tail has {job.LogTail.Length} characters");
        Assert.Contains("Job job-1 succeeded in ", job.LogTail.TrimEnd().Split('\n')[^1], StringComparison.Ordinal);
        Assert.Contains("line 500 of the run", job.LogTail, StringComparison.Ordinal);
        Assert.DoesNotContain("line 1 of the run", job.LogTail, StringComparison.Ordinal);
        Assert.Contains(lines, l => l.EndsWith("info  line 1 of the run", StringComparison.Ordinal));
        Assert.Equal(500, lines.Count(l => l.Contains(" of the run", StringComparison.Ordinal)));
        Assert.True(await _jobs.Files.GetPropertiesAsync("job-1/attempt-1.log") is not null);
    }

    [Fact]
    public async Task AJobOfAKindNoHandlerRunsFailsNamingTheKindsThereAre()
    {
        await SubmitAsync("job-1", "train");
        await StartAsync(TestHandler.Succeeding());

        var job = await _jobs.WaitForAsync("job-1", j => j.Status == JobStatus.Failed, "the job to fail");

        Assert.Equal("No handler runs jobs of kind 'train' here; known kinds: count.", job.Error);
    }

    [Fact]
    public async Task UntilEmptyTheRunnerStopsTheHostOnceTheQueueIsDrained()
    {
        var handler = TestHandler.Succeeding();
        await SubmitAsync("job-1", "count");
        await SubmitAsync("job-2", "count");
        using var lifetime = new JobsHarness.StoppedLifetime();

        await StartAsync(handler, untilEmpty: true, lifetime: lifetime);
        await Eventually.TrueAsync(() => lifetime.StopRequested, "the runner to ask the host to stop");

        Assert.Equal(2, (await _jobs.Ledger.ListAsync(null, JobStatus.Succeeded, CancellationToken.None)).Count);
    }

    private Task<(JobInfo Job, bool Created)> SubmitAsync(string id, string kind) =>
        _jobs.Submitter.SubmitAsync(new JobMessage(id, kind, "iris", "1.0.0", null, 1), CancellationToken.None);

    private async Task StartAsync(IJobHandler handler, JobsOptions? options = null, Cloud.Jobs.Queue.IJobQueue? queue = null, bool untilEmpty = false,
        JobsHarness.StoppedLifetime? lifetime = null)
    {
        var runner = _jobs.Runner([handler], options, queue, untilEmpty, lifetime);
        _runners.Add(runner);
        await runner.StartAsync(CancellationToken.None);
    }

    private async Task<bool> QueueIsDrainedAsync() => await _jobs.PendingMessagesAsync() == 0;

    [LoggerMessage(Level = LogLevel.Information, Message = "line {Line} of the run")]
    private static partial void LogLine(ILogger log, int line);
}
