using System.Collections.Concurrent;
using System.Diagnostics;
using Cloud.Jobs.Runner;
using Cloud.Sdk.Jobs;

namespace Cloud.Jobs.Tests.Runner;

/// <summary>
/// A job's spans across the queue: the submit span's traceparent is kept with the job, and the span of every run,
/// retries included, links to it. Listeners are process-wide and other tests submit jobs beside this one, so the
/// listener records only spans of this test's own trace (a root span it starts): theirs stay unsampled, as they
/// would be without it.
/// </summary>
public sealed class JobTracingTests : IAsyncDisposable
{
    private readonly RegistryHarness _registry = new();
    private readonly JobsHarness _jobs;
    private readonly ConcurrentQueue<Activity> _stopped = new();
    private readonly ActivityListener _listener;
    private readonly string _id = $"trace-{Guid.NewGuid():N}";
    private readonly Activity _root = new Activity("test").SetIdFormat(ActivityIdFormat.W3C);
    private JobRunner? _runner;

    public JobTracingTests()
    {
        _jobs = new JobsHarness(_registry);
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Cloud.Jobs",
            Sample = (ref ActivityCreationOptions<ActivityContext> options) => OfThisTest(options.TraceId, options.Links)
                ? ActivitySamplingResult.AllDataAndRecorded
                : ActivitySamplingResult.None,
            ActivityStopped = _stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
        _root.ActivityTraceFlags = ActivityTraceFlags.Recorded;
        _root.Start();
    }

    public async ValueTask DisposeAsync()
    {
        if (_runner is not null)
        {
            await _runner.StopAsync(CancellationToken.None);
            _runner.Dispose();
        }

        _root.Stop();
        _listener.Dispose();
        await _jobs.DisposeAsync();
        _registry.Dispose();
    }

    [Fact]
    public async Task EveryRunOfAJobLinksToTheSpanThatSubmittedIt()
    {
        // Fails its first run (a retry follows) and succeeds on the second: two runs, one submission.
        var handler = new TestHandler("flaky", (context, _) => context.Run == 1
            ? throw new InvalidOperationException("first run fails")
            : Task.FromResult(new JobResult("done")));

        await _jobs.Submitter.SubmitAsync(new JobMessage(_id, "flaky", "iris", "1.0.0", null, 1), CancellationToken.None);
        _runner = _jobs.Runner([handler]);
        await _runner.StartAsync(CancellationToken.None);
        await Eventually.TrueAsync(() => Spans("process jobs").Length == 2, "two runs of the job");

        var send = Assert.Single(Spans("send jobs"));
        Assert.Equal(ActivityKind.Producer, send.Kind);
        var runs = Spans("process jobs");
        Assert.All(runs, run => Assert.Equal(ActivityKind.Consumer, run.Kind));
        Assert.All(runs, run => Assert.Equal((send.TraceId, send.SpanId), (Assert.Single(run.Links).Context.TraceId, Assert.Single(run.Links).Context.SpanId)));
        Assert.Equal(["retry", "succeeded"], runs.Select(r => (string?)r.GetTagItem("job.status")).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task TheJobRowKeepsTheSubmittersTraceparentForLaterAttempts()
    {
        await _jobs.Submitter.SubmitAsync(new JobMessage(_id, "flaky", null, null, null, 1), CancellationToken.None);

        var send = Assert.Single(Spans("send jobs"));
        var row = await _jobs.Table.GetAsync(Cloud.Jobs.Ledger.JobRows.Partition, _id, CancellationToken.None);
        // W3C: version 00, the trace id, the span id, the flags (01 sampled, 02 a random trace id) in two hex digits.
        Assert.Equal(_root.TraceId, send.TraceId);
        Assert.Equal($"00-{send.TraceId}-{send.SpanId}-{(int)send.ActivityTraceFlags:x2}", Cloud.Jobs.Ledger.JobRows.NextMessage(row!).TraceParent);
    }

    private bool OfThisTest(ActivityTraceId trace, IEnumerable<ActivityLink>? links) =>
        trace == _root.TraceId || (links?.Any(l => l.Context.TraceId == _root.TraceId) ?? false);

    private Activity[] Spans(string name) =>
        [.. _stopped.Where(a => a.DisplayName == name && (string?)a.GetTagItem("job.id") == _id)];
}
